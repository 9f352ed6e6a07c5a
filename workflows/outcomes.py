"""What became of an approved request: published in the accounting system, failed visibly, or
sent again by an administrator once the cause is fixed. The accounting adapters call these."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django_fsm import has_transition_perm

from approvalmax.core import accounting
from approvalmax.core.signals import send_on_commit
from workflows import metrics as request_metrics
from workflows.exceptions import AlreadyDecided, NotAnAdministrator
from workflows.models import ApprovalRequest, AuditEvent
from workflows.deciders import locked_request
from workflows.trail import audit
from workflows.signals import request_approved

State = ApprovalRequest.State


@transaction.atomic
def request_mark_published(*, request_id: int, external_system: str, external_id: str, external_url: str,
                           message: str = "", done: str = "Created") -> ApprovalRequest:
    """`done`: what the system did with it ("Authorised", for a bill that was there already)."""
    request = locked_request(request_id)
    if request.state == State.PUBLISHED:
        return request
    request.mark_published()
    request.external_system = external_system
    request.external_id = external_id
    request.external_url = external_url
    request.publish_error = ""
    request.save()
    system = accounting.system_named(external_system)
    what = (f"{request.document_noun} {request.invoice_number}" if request.invoice_number
            else f"a {request.document_noun} without a number")
    created = (f"{done} in {system.name if system else external_system} as {what}"
               f"{': ' + external_url if external_url else ''}.")
    audit(request, AuditEvent.Action.PUBLISHED, message=" ".join(part for part in (created, message) if part),
          data={"external_id": external_id, "external_url": external_url})
    published_at = timezone.now()
    transaction.on_commit(lambda: request_metrics.published(request, published_at))
    return request


@transaction.atomic
def request_mark_publish_failed(*, request_id: int, error: str) -> ApprovalRequest:
    request = locked_request(request_id)
    if request.state != State.APPROVED:
        return request
    request.mark_publish_failed()
    request.publish_error = error
    request.save()
    audit(request, AuditEvent.Action.PUBLISH_FAILED, message=error)
    transaction.on_commit(request_metrics.publish_failed)
    return request


def requests_mark_publish_failed(*, organisation_id: int, error: str) -> int:
    """Every approved request of the organisation fails visibly with the cause in plain words
    (its publisher gave up), for an administrator to publish again once it is fixed. Returns how many."""
    failed = 0
    for request_id in ApprovalRequest.objects.filter(organisation_id=organisation_id, state=State.APPROVED) \
            .values_list("pk", flat=True):
        request_mark_publish_failed(request_id=request_id, error=error)
        failed += 1
    return failed


@transaction.atomic
def request_publish_again(*, request_id: int, user: AbstractBaseUser) -> ApprovalRequest:
    """Once the cause is fixed (in the accounting system, or the master data), an administrator publishes again;
    the publisher resumes from what it had already done."""
    request = locked_request(request_id)
    if request.state != State.PUBLISH_FAILED:
        raise AlreadyDecided(f"Only a request whose publishing failed can be published again; it is "
                             f"{request.get_state_display().lower()}.")
    if not has_transition_perm(request.publish_again, user):
        raise NotAnAdministrator("Only an administrator of the organisation can publish a request again.")
    previous = request.publish_error
    request.publish_again()
    request.publish_error = ""
    request.save()
    audit(request, AuditEvent.Action.PUBLISH_AGAIN, actor=user, message=f"The last attempt failed: {previous}")
    send_on_commit(request_approved, ApprovalRequest, request=request)
    return request
