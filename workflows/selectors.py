"""Reads of approval requests, shaped for the pages and the audit report that show them."""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from approvalmax.core.exceptions import NotFound
from approvalmax.core.models import Membership, TrackingOption
from workflows.models import ApprovalRequest, AuditEvent, Decision, RequestDocument, RequestLine, WorkflowStep

State = ApprovalRequest.State


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


def inbox_for_user(*, user: AbstractBaseUser) -> QuerySet[ApprovalRequest]:
    """Requests waiting for this user: on approval, at a step the user approves, not yet
    approved by the user in the current revision (the query form of `current_approver_ids`)."""
    step_approvers = WorkflowStep.approvers.through.objects.filter(
        workflowstep_id=OuterRef("current_step_id"), user=user
    )
    already_decided = Decision.objects.filter(
        request=OuterRef("pk"), revision=OuterRef("revision"), step=OuterRef("current_step_id"), approver=user
    )
    return (
        requests_visible_to(user=user)
        .filter(state=State.ON_APPROVAL)
        .filter(Exists(step_approvers))
        .exclude(Exists(already_decided))
        .select_related("organisation", "current_step")
        .annotate(submitted_at=Coalesce(_submitted_at(), "created_at"))
        .order_by("submitted_at", "pk")
    )


def request_list_for_user(*, user: AbstractBaseUser, state: str = "") -> QuerySet[ApprovalRequest]:
    requests = requests_visible_to(user=user)
    if state:
        requests = requests.filter(state=state)
    return (
        requests.select_related("organisation", "current_step")
        .annotate(submitted_at=Coalesce(_submitted_at(), "created_at"))
        .order_by("-created_at", "-pk")
    )


def request_get_for_user(*, user: AbstractBaseUser, public_id: uuid.UUID) -> ApprovalRequest:
    """The request if the user is a member of its organisation; otherwise it does not exist
    for them (NotFound), so ids of other organisations reveal nothing."""
    request = (
        requests_visible_to(user=user)
        .select_related("organisation", "current_step", "supplier", "payment_account")
        .filter(public_id=public_id)
        .first()
    )
    if request is None:
        raise NotFound("There is no such request.")
    return request


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


def request_record(*, request: ApprovalRequest) -> RequestRecord:
    lines = list(
        RequestLine.objects.filter(request=request, revision=request.revision)
        .select_related("account", "tax_rate")
        .prefetch_related(
            Prefetch("tracking", queryset=TrackingOption.objects.select_related("category").order_by("category__name"))
        )
        .order_by("position")
    )
    decisions = list(
        Decision.objects.filter(request=request)
        .select_related("approver", "step")
        .order_by("revision", "decided_at", "pk")
    )
    audit_events = list(AuditEvent.objects.filter(request=request).select_related("actor").order_by("created_at", "pk"))
    waiting_ids = request.current_approver_ids()
    waiting_for = list(get_user_model().objects.filter(pk__in=waiting_ids).order_by("first_name", "last_name", "pk"))
    return RequestRecord(
        request=request,
        lines=lines,
        document=request.current_document(),
        decisions=decisions,
        audit_events=audit_events,
        waiting_for=waiting_for,
    )


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
