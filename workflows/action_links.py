"""Approve and Reject links in approvers' emails (INTERFACES.md §5): signed, naming one person,
one revision, one step and one decision; they expire, work once, and die as soon as the request
moves on. A link authorises that one decision, never a session."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from approvalmax.core.exceptions import ApplicationError
from workflows import services
from workflows.models import ActionLink, ApprovalRequest
from workflows.trail import person_label

_SALT = "workflows.action-link"


class LinkRefused(ApplicationError):
    """Why a link cannot decide; `title` heads the page that says so."""

    def __init__(self, title: str, message: str, status: int = 410) -> None:
        super().__init__(message, status_code=status, code="link_refused")
        self.title = title


def _token(link: ActionLink) -> str:
    return signing.dumps({"l": link.pk, "u": link.user_id, "r": link.request_id, "v": link.revision,
                          "s": link.step_id, "d": link.decision}, salt=_SALT, compress=True)


def links_issue(*, request: ApprovalRequest, user_id: int) -> dict[str, str]:
    """The approver's Approve and Reject URLs for the request's current step and revision."""
    scope = {"request": request, "revision": request.revision, "step_id": request.current_step_id, "user_id": user_id}
    ActionLink.objects.bulk_create([ActionLink(**scope, decision=d) for d in ActionLink.Decision.values],
                                   ignore_conflicts=True)
    return {link.decision: settings.PUBLIC_BASE_URL + reverse("workflows:action_link", args=[_token(link)])
            for link in ActionLink.objects.filter(**scope)}


@dataclass(frozen=True)
class OpenedLink:
    link: ActionLink
    request: ApprovalRequest


def link_open(*, token: str, viewer=None) -> OpenedLink:
    """The link and its request, if it may still decide; LinkRefused saying why otherwise."""
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature as exc:
        raise LinkRefused("This link is not valid", "The link was changed or cut short. Open it from the email "
                          "again, or decide on the request's page.", status=400) from exc  # fmt: skip
    link = ActionLink.objects.select_related("user", "request__organisation", "request__current_step").filter(
        pk=data.get("l")).first()  # fmt: skip
    if link is None or (link.user_id, link.request_id, link.revision, link.step_id, link.decision) != (
            data.get("u"), data.get("r"), data.get("v"), data.get("s"), data.get("d")):
        raise LinkRefused("This link is not valid", "The link does not match any email we sent.", status=400)
    if viewer is not None and viewer.is_authenticated and viewer.pk != link.user_id:
        raise LinkRefused("This link is someone else's",
                          f"It was sent to {person_label(link.user)}, and you are signed in as "
                          f"{person_label(viewer)}. Only they can use it.", status=403)
    _require_live(link, link.request, token)
    return OpenedLink(link=link, request=link.request)


def _require_live(link: ActionLink, request: ApprovalRequest, token: str) -> None:
    if link.used_at is not None:
        raise LinkRefused("This link has been used",
                          f"It was used {timezone.localtime(link.used_at):%d %b %Y at %H:%M}. Each link decides once.")
    try:
        signing.loads(token, salt=_SALT, max_age=timedelta(days=request.organisation.action_link_days))
    except signing.SignatureExpired as exc:
        raise LinkRefused("This link has expired", "Links in emails work for "
                          f"{request.organisation.action_link_days} days. Decide on the request's page "
                          "instead.") from exc
    if request.revision != link.revision or request.current_step_id != link.step_id or not request.is_open:
        raise LinkRefused("This request has moved on",
                          f"It is {request.get_state_display().lower()} now"
                          + (f", at step {request.current_step.position}, {request.current_step.name}"
                             if request.is_open and request.current_step else "")
                          + ". Open its page to see where it stands.")
    if request.decides_for(link.user) is None:
        raise LinkRefused("This request has moved on", "It no longer waits for your decision at this step.")


@transaction.atomic
def link_decide(*, token: str, comment: str = "", viewer=None) -> ApprovalRequest:
    """Use the link: its one decision, by the person it names, marked as coming from email."""
    opened = link_open(token=token, viewer=viewer)
    link = ActionLink.objects.select_for_update().get(pk=opened.link.pk)
    request = ApprovalRequest.objects.select_for_update(of=("self",)).select_related("organisation", "current_step").get(
        pk=link.request_id)  # fmt: skip
    _require_live(link, request, token)
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    # Its twin dies with it: an approved request's Reject link must not decide as well.
    ActionLink.objects.filter(request_id=link.request_id, revision=link.revision, step_id=link.step_id,
                              user_id=link.user_id, used_at__isnull=True).update(used_at=link.used_at)
    user = opened.link.user
    if link.decision == ActionLink.Decision.APPROVE:
        return services.request_approve(request_id=request.pk, user=user, comment=comment, step_id=link.step_id,
                                        via=services.EMAIL)
    return services.request_reject(request_id=request.pk, user=user, comment=comment, step_id=link.step_id,
                                   via=services.EMAIL)
