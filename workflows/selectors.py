"""Reads of approval requests, shaped for the pages and the audit report that show them."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import BooleanField, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from approvalmax.budgets.models import Budget
from approvalmax.core.exceptions import NotFound
from approvalmax.core.models import Account, Membership, Supplier, TaxRate, TrackingCategory, TrackingOption
from approvalmax.core.versioned_reads import (
    TOKEN_ATTRIBUTE,
    held_by_id,
    held_whole,
    loaded_organisation,
    read_through,
    remember_token,
    unless_written,
    with_token,
)
from workflows import routing
from workflows.line_reads import lines_with_coding
from workflows.models import (
    ApprovalRequest,
    Assignment,
    AuditEvent,
    Comment,
    Decision,
    RequestDocument,
    RequestLine,
    Substitution,
    Watch,
    Workflow,
    WorkflowStep,
)
from workflows.pagination import keyset_page

State = ApprovalRequest.State
# Each bill counted in the inbox costs a look at its assignments: "more than 250" says enough.
INBOX_COUNT_BOUND = 250


def _submitted_at() -> Subquery:
    """When the current revision was submitted (resubmissions restart the clock)."""
    return Subquery(
        AuditEvent.objects.filter(
            request=OuterRef("pk"),
            revision=OuterRef("revision"),
            action__in=[AuditEvent.Action.SUBMITTED, AuditEvent.Action.RESUBMITTED],
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )


def requests_visible_to(*, user: AbstractBaseUser) -> QuerySet[ApprovalRequest]:
    """Every request of the organisations the user is a member of."""
    return ApprovalRequest.objects.filter(
        Exists(Membership.objects.filter(organisation=OuterRef("organisation"), user=user))
    )


def absent_colleagues_of(*, user: AbstractBaseUser) -> QuerySet[Substitution]:
    """Whom the user substitutes for today."""
    today = timezone.localdate()
    return Substitution.objects.filter(substitute=user, starts_on__lte=today, ends_on__gte=today)


def _awaited(approvers: Q, *, walked: bool = False) -> Q:
    """The request's current step waits for one of `approvers` (assigned, no standing decision).

    As a plain EXISTS, PostgreSQL joins it, driven from whichever side is smaller: right for
    counting, and for listing a few. `walked` writes it so that PostgreSQL checks each request
    it walks and only those: a long inbox then walks the open-requests index in its order and
    stops at a page, where the join sorted every waiting request (a semi-join on three columns
    whose rows it underestimates ninefold). Under an OR, the EXISTS is not turned into a join;
    naming the request, not the assignment, in the decision check keeps it from being hashed
    once over all the person's assignments."""
    outer = OuterRef("pk"), OuterRef("revision"), OuterRef("current_step_id")
    decided = (OuterRef(outer[0]), OuterRef(outer[1]), OuterRef(outer[2])) if walked \
        else (OuterRef("request"), OuterRef("revision"), OuterRef("step"))
    standing = Decision.objects.filter(
        request=decided[0], revision=decided[1], step=decided[2], revoked_at__isnull=True
    ).filter(Q(approver=OuterRef("approver"), on_behalf_of__isnull=True) | Q(on_behalf_of=OuterRef("approver")))
    assigned = Exists(Assignment.objects.filter(request=outer[0], revision=outer[1], step=outer[2])
                      .filter(approvers).exclude(Exists(standing)))
    return Q(assigned) | Q(Value(False, output_field=BooleanField())) if walked else Q(assigned)


def requests_awaiting(*, organisation_id: int, user_id: int) -> QuerySet[ApprovalRequest]:
    """The organisation's open requests whose current step waits for this person's own decision."""
    return ApprovalRequest.objects.filter(organisation_id=organisation_id, state__in=ApprovalRequest.OPEN_STATES) \
        .filter(_awaited(Q(approver_id=user_id)))


def inbox_for_user(*, user: AbstractBaseUser, memberships: list[Membership] | None = None,
                   walked: bool = False) -> QuerySet[ApprovalRequest]:
    """Requests waiting for this user, or for someone they substitute for today: open, at a
    step assigned to them, without a standing decision (the query form of `decides_for`).
    `memberships`, the user's when the caller has read them, saves reading them again;
    `walked`, the same rows for reading a long inbox in order (see `_awaited`)."""
    return (
        awaiting_user(user=user, memberships=memberships, walked=walked)
        .select_related("organisation", "current_step")
        .annotate(submitted_at=Coalesce(_submitted_at(), "created_at"))
        .order_by("created_at", "pk")
    )


def inbox_joined_and_walked(*, user: AbstractBaseUser, memberships: list[Membership] | None = None,
                            besides: int | None = None) -> tuple[QuerySet[ApprovalRequest],
                                                                  Callable[[], QuerySet[ApprovalRequest]]]:
    """What waits for the user (but `besides`), as a join to count and a walk to read a long
    inbox in order: `keyset_page`'s queryset and its `walk`."""
    def waiting(walked: bool) -> QuerySet[ApprovalRequest]:
        rows = inbox_for_user(user=user, memberships=memberships, walked=walked)
        return rows if besides is None else rows.exclude(pk=besides)

    return waiting(False), lambda: waiting(True)


def next_awaiting(*, user: AbstractBaseUser, memberships: list[Membership] | None = None,
                  besides: int) -> ApprovalRequest | None:
    """The oldest request waiting for the user but `besides`: "approve, then next"."""
    joined, walked = inbox_joined_and_walked(user=user, memberships=memberships, besides=besides)
    page = keyset_page(joined, size=1, newest_first=False, bound=INBOX_COUNT_BOUND, walk=walked)
    return page.object_list[0] if page.object_list else None


def awaiting_user(*, user: AbstractBaseUser, memberships: list[Membership] | None = None,
                  walked: bool = False) -> QuerySet[ApprovalRequest]:
    """The inbox's rows, unordered and bare: what the navigation counts on every page, where
    building the inbox's joins and annotation would cost more than the query itself."""
    waiting = Q(approver=user) | Q(approver__in=absent_colleagues_of(user=user).values("user_id"))
    if memberships is None:
        memberships = list(Membership.objects.filter(user=user).only("organisation_id", "role"))
    # An auditor decides nothing in their organisation, so nothing there waits for them.
    deciding = [m.organisation_id for m in memberships if m.role != Membership.Role.AUDITOR]
    return ApprovalRequest.objects.filter(
        _awaited(waiting, walked=walked), organisation_id__in=deciding, state__in=ApprovalRequest.OPEN_STATES,
    ).exclude(requester=user, workflow__requester_may_approve=False)


def _organisation_ids(user: AbstractBaseUser) -> list[int]:
    """The user's organisations as a list of ids, not a subquery: then the creation-time indexes
    serve the lists' pages and the planner does not sort every visible request for fifty."""
    return list(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))


def request_list_for_user(*, user: AbstractBaseUser, state: str = "") -> QuerySet[ApprovalRequest]:
    requests = ApprovalRequest.objects.filter(organisation_id__in=_organisation_ids(user))
    if state:
        requests = requests.filter(state=state)
    return (
        requests.select_related("organisation", "current_step")
        .annotate(submitted_at=Coalesce(_submitted_at(), "created_at"))
        .order_by("-created_at", "-pk")
    )


# What a request's page reads with the request, and a versioned read takes from the process's store.
HELD_RELATIONS = ("workflow", "current_step", "supplier", "payment_account")
# Its record version, as a versioned read has it: '' when the reading transaction has written.
HELD_VERSION = "held_record_version"


def request_get_for_user(*, user: AbstractBaseUser, public_id: uuid.UUID, versioned: bool = False) -> ApprovalRequest:
    """The request if the user is a member of its organisation; otherwise it does not exist
    for them (NotFound), so ids of other organisations reveal nothing. Read with two facts its
    page shows, which cost nothing here and a query each apart: whether the user watches it
    (`watched`) and whether its organisation keeps budgets (`keeps_budgets`).

    `versioned`: with its organisation's data-version token too, and its workflow, current step,
    supplier and payment account as the process holds them (versioned_reads), as are the coding
    and the steps its page shows then. Only for a reader that writes nothing before those reads."""
    requests = (
        requests_visible_to(user=user)
        .annotate(watched=Exists(Watch.objects.filter(request=OuterRef("pk"), user=user)),
                  keeps_budgets=Exists(Budget.objects.filter(organisation=OuterRef("organisation"))))
        .filter(public_id=public_id)
    )
    if not versioned:
        request = requests.select_related("organisation", *HELD_RELATIONS).first()
    else:
        request = (with_token(requests.select_related("organisation"))
                   .annotate(**{HELD_VERSION: unless_written(F("record_version"))}).first())
        if request is not None:
            remember_token(request.organisation, getattr(request, TOKEN_ATTRIBUTE))
            _hold_relations(request)
    if request is None:
        raise NotFound("There is no such request.")
    return request


def _hold_relations(request: ApprovalRequest) -> None:
    """Give the request what select_related would have, from the process's store: joined to the
    request, these four doubled the cost of its read."""
    organisation = request.organisation
    for name, kind, queryset in (("workflow", "workflow-by-pk", Workflow.objects),
                                 ("supplier", "supplier-by-pk", Supplier.objects),
                                 ("payment_account", "coded-account", Account.objects)):  # fmt: skip
        field = ApprovalRequest._meta.get_field(name)
        key = getattr(request, field.attname)
        field.set_cached_value(request, held_by_id(organisation, kind, queryset, [key]).get(key))
    steps = {step.pk: step for step in routing.workflow_steps(request)} if request.workflow_id else {}
    field = ApprovalRequest._meta.get_field("current_step")
    step = steps.get(request.current_step_id)
    if step is None and request.current_step_id is not None:  # a step no longer in its workflow's list
        step = WorkflowStep.objects.get(pk=request.current_step_id)
    field.set_cached_value(request, step)


def request_page_url(*, request: ApprovalRequest) -> str:
    """The request's stable, absolute page address (INTERFACES.md §4)."""
    return settings.PUBLIC_BASE_URL + reverse("workflows:request_detail", kwargs={"public_id": request.public_id})


@dataclass(frozen=True)
class RequestRecord:
    """A request with everything its page and its audit report show."""

    request: ApprovalRequest
    lines: list[RequestLine]
    document: RequestDocument | None
    decisions: list[Decision]
    audit_events: list[AuditEvent]
    waiting_for: list[AbstractBaseUser]
    assignments: list[Assignment]

    @property
    def assigned(self) -> list[AbstractBaseUser]:
        return [assignment.approver for assignment in self.assignments]

    @property
    def revision_changes(self) -> list[dict]:
        """What changed at the source since the revision before this one, field by field, when the
        source said (a bill changed in the accounting system while on approval)."""
        for event in reversed(self.audit_events):
            if event.action == AuditEvent.Action.RESUBMITTED and event.revision == self.request.revision:
                return event.data.get("changes", [])
        return []

    @property
    def waiting(self) -> set[int]:
        """`current_approver_ids()`, from what the record read."""
        return {person.pk for person in self.waiting_for}


# What weighs in a kept record: its rows (versioned_reads.MOST_WHOLE_ROWS).
RECORD_ROWS = ("lines", "decisions", "audit_events", "assignments")


def request_record(*, request: ApprovalRequest) -> RequestRecord:
    """What the request's page and audit report show of it. When the request was read with its
    organisation's data-version token (its page's GET), the process keeps what it read under the
    request's record version, which the database changes with any of it: a page seen again reads
    none of it."""
    parts = _kept_with_page(request, "request-record", lambda: _record_parts(request),
                            rows=lambda kept: sum(len(kept[name]) for name in RECORD_ROWS) + 1)
    return RequestRecord(request=request, **parts)


def _kept_with_page(request: ApprovalRequest, kind: str, load, *, rows):
    """`load()`, kept by the process under the request's record version when its page's read came
    with one (versioned_reads.held_whole); read afresh otherwise."""
    return held_whole(loaded_organisation(request), (kind, request.pk), lambda: getattr(request, HELD_VERSION, ""),
                      load, rows=rows)


def _record_parts(request: ApprovalRequest) -> dict:
    decisions = list(
        Decision.objects.filter(request=request)
        .select_related("approver", "on_behalf_of", "step")
        .order_by("revision", "decided_at", "pk")
    )
    assignments = list(
        Assignment.objects.filter(request=request, revision=request.revision, step_id=request.current_step_id)
        .select_related("approver", "rule")
        .order_by("approver__first_name", "approver__last_name", "pk")
    ) if request.is_open and request.current_step_id else []
    # Who the step still waits for: its assignments less the decisions that stand on it.
    decided = request.decided_ids(decisions)
    waiting_for = sorted((a.approver for a in assignments if a.approver_id not in decided),
                         key=lambda person: (person.first_name, person.last_name, person.pk))
    # Not through the request's manager, which would give the document this request to keep.
    document = RequestDocument.objects.filter(request_id=request.pk, revision=request.revision).first()
    return {
        "lines": lines_with_coding(request),
        "document": document,
        "decisions": decisions,
        "audit_events": list(AuditEvent.objects.filter(request=request).select_related("actor")
                             .order_by("created_at", "pk")),
        "waiting_for": waiting_for,
        "assignments": assignments,
    }  # fmt: skip


def document_get_for_user(*, user: AbstractBaseUser, public_id: uuid.UUID) -> RequestDocument:
    """The original file of the request's current revision, for members of its organisation."""
    document = RequestDocument.objects.filter(
        Exists(Membership.objects.filter(organisation=OuterRef("request__organisation"), user=user)),
        request__public_id=public_id,
        revision=F("request__revision"),
    ).first()
    if document is None:
        raise NotFound("There is no such document.")
    return document


@dataclass(frozen=True)
class CodingChoices:
    """What a line may be recoded with, read once per page whatever the number of lines."""

    accounts: list[Account]
    tax_rates: list[TaxRate]
    categories: list[TrackingCategory]


def coding_choices(*, request: ApprovalRequest) -> CodingChoices:
    return CodingChoices(
        accounts=list(Account.objects.active().filter(organisation=request.organisation).exclude(type="BANK")
                      .exclude(code="").order_by("code")),
        tax_rates=list(TaxRate.objects.active().filter(organisation=request.organisation,
                                                       can_apply_to_expenses=True).order_by("name")),
        categories=list(TrackingCategory.objects.active().filter(organisation=request.organisation)
                        .prefetch_related(Prefetch("options", queryset=TrackingOption.objects.active()))
                        .order_by("name")),
    )  # fmt: skip


def required_tracking_categories(*, organisation) -> list[TrackingCategory]:
    """Tracking categories every line must carry under the organisation's latest workflow (one query)."""
    def load(keys: set) -> dict:
        latest = Workflow.objects.filter(organisation=organisation, is_draft=False).order_by("-version").values("pk")[:1]
        through = Workflow.required_tracking_categories.through
        required = through.objects.filter(workflow_id=Subquery(latest)).values("trackingcategory_id")
        return {"latest": list(TrackingCategory.objects.filter(pk__in=required).order_by("name"))}

    return read_through(organisation, "required-tracking", ["latest"], load)["latest"]


def substitutions_for_user(*, user: AbstractBaseUser) -> QuerySet[Substitution]:
    return (
        Substitution.objects.filter(Q(user=user) | Q(substitute=user))
        .select_related("user", "substitute", "organisation")
        .order_by("-starts_on", "pk")
    )


def colleagues_of(*, user: AbstractBaseUser) -> QuerySet:
    """Members of the user's organisations, the user excepted: who may substitute for them."""
    return (
        get_user_model()
        .objects.filter(memberships__organisation__memberships__user=user)
        .exclude(pk=user.pk)
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )


def request_line_for_edit(*, request: ApprovalRequest, line_id: int) -> RequestLine:
    line = request.current_lines().filter(pk=line_id).first()
    if line is None:
        raise NotFound("There is no such line.")
    return line


def revocable_decision(*, request: ApprovalRequest, user: AbstractBaseUser,
                       decisions: list[Decision] | None = None) -> Decision | None:
    """The user's standing decision on the step the request is still at, if any; from `decisions`
    (every decision of the request, as its page read them) when given."""
    if not request.is_open or not user.is_authenticated:
        return None
    if decisions is not None:
        return next((d for d in decisions if d.revision == request.revision and d.step_id == request.current_step_id
                     and d.approver_id == user.pk and d.revoked_at is None and not d.forced), None)
    return request.decisions.filter(
        revision=request.revision, step_id=request.current_step_id, approver=user, revoked_at__isnull=True,
        forced=False,
    ).first()  # fmt: skip


def request_comments(*, request: ApprovalRequest) -> list[Comment]:
    """The request's discussion, kept as `request_record` keeps the rest of its page."""
    return _kept_with_page(request, "request-comments",
                           lambda: list(Comment.objects.filter(request=request).select_related("author")
                                        .order_by("created_at", "pk")), rows=lambda kept: len(kept) + 1)


def approved_waiting_count(*, organisation_id: int) -> int:
    """Approved requests not yet published: what disconnecting the accounting system leaves waiting."""
    return ApprovalRequest.objects.filter(organisation_id=organisation_id, state=State.APPROVED).count()
