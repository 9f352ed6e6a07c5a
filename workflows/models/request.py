"""Approval requests: their state machine and who each step waits for (what a revision holds is
in `revision_content`)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce, Upper
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from approvalmax.core.models import Account, Membership, Organisation, Supplier
from approvalmax.core.money import TaxTreatment
from approvalmax.core.versioned_reads import loaded_organisation, read_through
from workflows.models.definition import MatrixRule, Substitution, Workflow, WorkflowStep
from workflows.models.spending import COUNTED_FIELDS, counted_key, lines_recount

def _may_decide(instance: "ApprovalRequest", user) -> bool:
    """The user is, or substitutes today for, an approver the current step still waits for,
    and is not the requester (unless the workflow allows it)."""
    return user is not None and instance.decides_for(user) is not None


def _may_return_to_review(instance: "ApprovalRequest", user) -> bool:
    return _may_decide(instance, user) and instance.has_review_step_before_current()


def _is_administrator(instance: "ApprovalRequest", user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        organisation_id=instance.organisation_id, user=user, role=Membership.Role.ADMINISTRATOR
    ).exists()


def _may_override(instance: "ApprovalRequest", user) -> bool:
    """An administrator, unless they requested the bill while segregation of duties is on."""
    if not _is_administrator(instance, user):
        return False
    return user.pk != instance.requester_id or bool(instance.workflow and instance.workflow.requester_may_approve)


def _is_system(instance: "ApprovalRequest", user) -> bool:
    """Routing, publishing outcomes and Dext's own actions are the system's, not a person's."""
    return user is None


def _new_version() -> str:
    return uuid.uuid4().hex


class ApprovalRequest(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        ON_REVIEW = "on_review", "On review"
        ON_APPROVAL = "on_approval", "On approval"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"
        PUBLISH_FAILED = "publish_failed", "Publish failed"
        REJECTED = "rejected", "Rejected"
        CANCELLED = "cancelled", "Cancelled"

    OPEN_STATES = (State.ON_REVIEW, State.ON_APPROVAL)
    # Approved, and its bill changed in the accounting system since: the organisation may approve it again.
    REOPENABLE_STATES = (State.APPROVED, State.PUBLISHED, State.PUBLISH_FAILED)

    class Kind(models.TextChoices):
        BILL = "bill", "Bill"
        SPEND_MONEY = "spend_money", "Spend money (bank transaction)"
        CREDIT_NOTE = "credit_note", "Supplier credit note"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Requests and their trails are never deleted; cancelling is the way out.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="requests")
    workflow = models.ForeignKey(Workflow, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.BILL)
    state = FSMField(default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    revision = models.PositiveIntegerField(default=1)
    current_step = models.ForeignKey(WorkflowStep, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    step_started_at = models.DateTimeField(null=True, blank=True)
    # When the current step's deadline passes, in the organisation's working time; and when it escalated.
    step_due_at = models.DateTimeField(null=True, blank=True)
    step_escalated_at = models.DateTimeField(null=True, blank=True)
    held_until = models.DateTimeField(null=True, blank=True)
    hold_reason = models.TextField(blank=True)
    held_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")

    supplier_name = models.CharField(max_length=255)
    supplier = models.ForeignKey(Supplier, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    invoice_number = models.CharField(max_length=255, blank=True)
    date = models.DateField()
    due_date = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3)
    tax_treatment = models.CharField(max_length=10, choices=TaxTreatment.choices)
    sub_total = models.DecimalField(max_digits=14, decimal_places=2)
    tax_total = models.DecimalField(max_digits=14, decimal_places=2)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    # A bill in another currency than the organisation's: the rate it was converted at (units of its
    # currency to one of the base currency), that rate's date and source, and its total in the base currency.
    exchange_rate = models.DecimalField(max_digits=18, decimal_places=8, null=True, blank=True)
    exchange_rate_on = models.DateField(null=True, blank=True)
    exchange_rate_source = models.CharField(max_length=10, blank=True)
    base_total = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    is_paid = models.BooleanField(default=False)
    payment_method_name = models.CharField(max_length=255, blank=True)
    payment_account = models.ForeignKey(Account, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    source_system = models.CharField(max_length=30)
    source_reference = models.CharField(max_length=100)
    source_url = models.URLField(max_length=1000, blank=True)
    requester_name = models.CharField(max_length=200, blank=True)
    requester_email = models.EmailField(blank=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The member of the organisation whose email is the requester's.",
    )  # fmt: skip

    # Where the bill went: the registered accounting system's key, its id there, a link to it.
    external_system = models.CharField(max_length=20, blank=True)
    external_id = models.CharField(max_length=100, blank=True)
    external_url = models.URLField(max_length=1000, blank=True)
    publish_error = models.TextField(blank=True)
    # The accounting system's bill no longer matches what was approved, or was approved there
    # directly: {"kind", "system", "at", "differences": [{"field", "approved", "now"}]}.
    external_change = models.JSONField(default=dict, blank=True)
    # A credit note's open bill of the same supplier, chosen by an approver: publishing allocates
    # as much of the credit to it as the bill still owes.
    credit_for = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="credits",
                                   limit_choices_to={"kind": Kind.BILL})

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Changes, in the database, with the request and with anything its page shows of it (its
    # decisions, lines, document, trail, comments): what a process keeps of those is kept under it
    # (workflows/record_version_sql.py, selectors.request_record). Never set by code.
    record_version = models.CharField(max_length=32, default=_new_version, editable=False)

    class Meta:
        ordering = ["-created_at"]
        # The request list reads newest first, for the user's organisations, by state or not.
        indexes = [models.Index(fields=["organisation", "state"]),
                   models.Index(fields=["organisation", "-created_at", "-id"], name="request_newest_first"),
                   models.Index(fields=["organisation", "state", "-created_at", "-id"], name="request_state_newest_first"),
                   # The inbox: open requests oldest first. Partial, so that the planner knows how
                   # few rows it holds and walks it in order instead of sorting every waiting one.
                   models.Index(fields=["organisation", "created_at", "id"], name="request_open_oldest_first",
                                condition=models.Q(state__in=["on_review", "on_approval"])),
                   # Who waits for what (the inbox, its count in the navigation) joins assignments on the
                   # current step: by this, the planner reads the open requests only, not every one.
                   models.Index(fields=["current_step"], name="request_open_by_step",
                                condition=models.Q(state__in=["on_review", "on_approval"])),
                   # Budgets: what else was spent in the bill's period.
                   models.Index(fields=["organisation", "date"], name="request_by_date"),
                   # Duplicates: the supplier's other bills, by name where it has no id.
                   models.Index(Upper("supplier_name"), "organisation", name="request_supplier_name"),
                   # The escalation sweep: open requests whose step has a deadline not yet escalated.
                   models.Index(fields=["step_due_at"], name="request_open_due",
                                condition=models.Q(state__in=["on_review", "on_approval"], step_due_at__isnull=False,
                                                   step_escalated_at__isnull=True))]
        permissions = [("decide_request", "Can approve or reject requests on behalf of the system")]

    def __str__(self) -> str:
        return f"{self.supplier_name} {self.invoice_number} ({self.get_state_display()})"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._counted = counted_key(instance) if COUNTED_FIELDS <= set(field_names) else None
        return instance

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        self._counted = None  # counted again on the next save: the copy may have moved meanwhile

    @classmethod
    def id_reserving_sql(cls, vendor: str) -> str:
        """SQL, for another insert of the same transaction, that takes the id the next request
        will be saved with, so that its row can name the request before it exists (PostgreSQL
        checks foreign keys at commit); NULL where the database has no sequence to take it from."""
        if vendor != "postgresql":
            return "NULL"
        return f"nextval(pg_get_serial_sequence('{cls._meta.db_table}', '{cls._meta.pk.column}'))"

    def save(self, *args, **kwargs):
        """Saved, and its lines' budget copy brought in step when what it depends on changed."""
        adding = self._state.adding
        if adding and self.pk is not None:
            kwargs.setdefault("force_insert", True)  # its id was reserved: one INSERT, not an UPDATE first
        super().save(*args, **kwargs)
        if kwargs.get("update_fields") is not None and not COUNTED_FIELDS & set(kwargs["update_fields"]):
            return
        key = counted_key(self)
        if not adding and key != getattr(self, "_counted", None):
            lines_recount(self)
        self._counted = key

    # Transitions check and change state only; services lock, save, audit and enqueue.
    @transition(field=state, source=State.DRAFT, target=State.ON_APPROVAL, permission=_is_system)
    def submit(self) -> None:
        pass

    @transition(field=state, source=State.DRAFT, target=State.APPROVED, permission=_is_system)
    def bypass(self) -> None:
        pass

    @transition(field=state, source=State.ON_APPROVAL, target=State.ON_REVIEW, permission=_is_system)
    def start_review(self) -> None:
        pass

    @transition(field=state, source=State.ON_REVIEW, target=State.ON_APPROVAL, permission=_may_decide)
    def complete_review(self) -> None:
        pass

    @transition(field=state, source=State.ON_APPROVAL, target=State.ON_REVIEW, permission=_may_return_to_review)
    def return_to_review(self) -> None:
        pass

    @transition(field=state, source=State.ON_APPROVAL, target=State.APPROVED, permission=_may_decide)
    def approve(self) -> None:
        pass

    @transition(field=state, source=State.ON_APPROVAL, target=State.APPROVED, permission=_is_system)
    def auto_approve(self) -> None:
        pass

    @transition(field=state, source=list(OPEN_STATES), target=State.REJECTED, permission=_may_decide)
    def reject(self) -> None:
        pass

    @transition(field=state, source=list(OPEN_STATES), target=State.APPROVED, permission=_may_override)
    def force_approve(self) -> None:
        pass

    @transition(field=state, source=list(OPEN_STATES), target=State.REJECTED, permission=_may_override)
    def force_reject(self) -> None:
        pass

    @transition(field=state, source=list(OPEN_STATES), target=State.CANCELLED, permission=_is_system)
    def cancel(self) -> None:
        pass

    @transition(
        field=state,
        source=[*OPEN_STATES, State.REJECTED, State.CANCELLED],
        target=State.ON_APPROVAL,
        permission=_is_system,
    )
    def resubmit(self) -> None:
        pass

    @transition(field=state, source=list(REOPENABLE_STATES), target=State.ON_APPROVAL, permission=_is_system)
    def reopen(self) -> None:
        pass

    @transition(field=state, source=State.APPROVED, target=State.PUBLISHED, permission=_is_system)
    def mark_published(self) -> None:
        pass

    @transition(field=state, source=State.APPROVED, target=State.PUBLISH_FAILED, permission=_is_system)
    def mark_publish_failed(self) -> None:
        pass

    @transition(field=state, source=State.PUBLISH_FAILED, target=State.APPROVED, permission=_is_administrator)
    def publish_again(self) -> None:
        pass

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def is_foreign(self) -> bool:
        return self.currency != self.organisation.base_currency

    @property
    def routing_total(self):
        """What amount rules compare: the total in the base currency when it was converted."""
        return self.base_total if self.base_total is not None else self.total

    @property
    def is_credit_note(self) -> bool:
        return self.kind == self.Kind.CREDIT_NOTE

    @property
    def document_noun(self) -> str:
        """What the accounting system will hold: a bill, a credit note or a bank transaction."""
        return {self.Kind.CREDIT_NOTE: "credit note", self.Kind.SPEND_MONEY: "bank transaction"}.get(self.kind, "bill")

    @property
    def is_on_hold(self) -> bool:
        return self.is_open and self.held_until is not None and self.held_until > timezone.now()

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.step_due_at is not None and self.step_due_at <= timezone.now()

    def current_approver_ids(self) -> set[int]:
        """Approvers assigned to the current step who have not yet decided on it in this revision."""
        if not self.is_open or self.current_step_id is None:
            return set()
        assigned = set(
            self.assignments.filter(revision=self.revision, step_id=self.current_step_id).values_list(
                "approver_id", flat=True
            )
        )
        return assigned - self.decided_ids()

    def decided_ids(self, decisions: list | None = None) -> set[int]:
        """Approvers whose decision on the current step stands (made by them or for them); from
        `decisions` (every decision of the request, already read) when given."""
        if decisions is not None:
            return {d.on_behalf_of_id or d.approver_id for d in decisions
                    if d.revision == self.revision and d.step_id == self.current_step_id and d.revoked_at is None}
        return set(
            self.decisions.filter(revision=self.revision, step_id=self.current_step_id, revoked_at__isnull=True)
            .annotate(counts_for=Coalesce("on_behalf_of_id", "approver_id"))
            .values_list("counts_for", flat=True)
        )

    def decides_for(self, user, waiting: set[int] | None = None, role: str | None = None) -> int | None:
        """Whose place the user takes when deciding now: their own, or that of an approver
        they substitute for today. None when they may not decide. `waiting`, when the caller has
        just read `current_approver_ids()`, and `role`, the user's role in the organisation when the
        caller has read it ("" for none), save reading them again."""
        if not getattr(user, "is_authenticated", False):
            return None
        if user.pk == self.requester_id and not (self.workflow and self.workflow.requester_may_approve):
            return None
        waiting = self.current_approver_ids() if waiting is None else waiting
        if user.pk in waiting:
            found = user.pk
        elif waiting:
            today = timezone.localdate()
            found = min((absent for absent, starts, ends in self._substituted_by(user)
                         if absent in waiting and starts <= today <= ends), default=None)
        else:
            found = None
        # An auditor reads everything and decides nothing, whatever a step or a substitution says;
        # asked only of someone who would otherwise decide, so readers' pages pay nothing for it.
        if found is not None and (role == Membership.Role.AUDITOR if role is not None else Membership.objects.filter(
                organisation_id=self.organisation_id, user=user, role=Membership.Role.AUDITOR).exists()):
            return None
        return found

    def _substituted_by(self, user) -> list[tuple]:
        """(whom, from, to) the user substitutes for in the organisation: from the process's store
        when the request was read with its organisation's data-version token (its page's GET)."""
        def load(keys: set) -> dict:
            found = {key: [] for key in keys}
            for substitute, *row in Substitution.objects.filter(
                    organisation_id=self.organisation_id, substitute_id__in=keys).values_list(
                    "substitute_id", "user_id", "starts_on", "ends_on"):  # fmt: skip
                found[substitute].append(tuple(row))
            return found

        return read_through(loaded_organisation(self), "substituted-by", [user.pk], load)[user.pk]

    def has_review_step_before_current(self) -> bool:
        if self.current_step_id is None or self.workflow_id is None:
            return False
        return self.workflow.steps.filter(
            kind=WorkflowStep.Kind.REVIEW, position__lt=self.current_step.position
        ).exists()

    def current_lines(self):
        return self.lines.filter(revision=self.revision)

    def current_document(self):
        """The current revision's RequestDocument, or None."""
        return self.documents.filter(revision=self.revision).first()


class Assignment(models.Model):
    """Who a step of a revision waits for, and why: the matrix rule or the step's default."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="assignments")
    revision = models.PositiveIntegerField()
    step = models.ForeignKey(WorkflowStep, on_delete=models.PROTECT, related_name="+")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(MatrixRule, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["request", "revision", "step", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "revision", "step", "approver"], name="one_assignment_per_step")
        ]
