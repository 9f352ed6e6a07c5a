"""Around the decision: comments with @mentions, watching a request, and putting it on hold."""

import re
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from approvalmax.core.exceptions import ApplicationError
from approvalmax.core.models import Membership
from workflows.exceptions import NotAnApprover
from workflows.models import ApprovalRequest, AuditEvent, Comment, Watch
from workflows.deciders import locked_request
from workflows.trail import audit, person_label

MENTION = re.compile(r"(?<![\w.])@([\w.+-]+@[\w-]+(?:\.[\w-]+)+|[\w.+-]+)")
LONGEST_HOLD = timedelta(days=90)


def _member(request: ApprovalRequest, user: AbstractBaseUser) -> None:
    if not Membership.objects.filter(organisation_id=request.organisation_id, user=user).exists():
        raise NotAnApprover("Only members of the organisation can take part in its requests.")


def mentioned(*, organisation_id: int, body: str) -> list[AbstractBaseUser]:
    """Members named in `body` as @username or @email; an @name nobody has is an error, so that
    the writer knows nobody was told."""
    names = {name.rstrip(".").lower() for name in MENTION.findall(body)}
    if not names:
        return []
    named = Q()
    for name in names:
        named |= Q(username__iexact=name) | Q(email__iexact=name)
    members = get_user_model().objects.filter(named, memberships__organisation_id=organisation_id)
    found = {m.pk: m for m in members}
    known = {m.username.lower() for m in found.values()} | {m.email.lower() for m in found.values() if m.email}
    unknown = sorted(names - known)
    if unknown:
        raise ApplicationError(f"Nobody in the organisation is @{unknown[0]}: mention a member by their username "
                               "or email.", fields={"body": "Mention members by username or email."})
    return list(found.values())


@transaction.atomic
def request_comment(*, request_id: int, user: AbstractBaseUser, body: str) -> Comment:
    body = (body or "").strip()
    if not body:
        raise ApplicationError("Write something to comment.", fields={"body": "Write your comment."})
    request = locked_request(request_id)
    _member(request, user)
    people = mentioned(organisation_id=request.organisation_id, body=body)
    comment = Comment.objects.create(request=request, revision=request.revision, author=user, body=body)
    comment.mentions.set(people)
    Watch.objects.get_or_create(request=request, user=user)
    audit(request, AuditEvent.Action.COMMENTED, actor=user, message=body,
           data={"comment": comment.pk, "mentions": [p.pk for p in people]})
    return comment


@transaction.atomic
def request_watch(*, request_id: int, user: AbstractBaseUser, watch: bool) -> bool:
    request = locked_request(request_id)
    _member(request, user)
    if watch:
        Watch.objects.get_or_create(request=request, user=user)
    else:
        Watch.objects.filter(request=request, user=user).delete()
    return watch


def _may_hold(request: ApprovalRequest, user: AbstractBaseUser) -> bool:
    administrator = Membership.objects.filter(organisation_id=request.organisation_id, user=user,
                                              role=Membership.Role.ADMINISTRATOR).exists()
    return administrator or request.decides_for(user) is not None


@transaction.atomic
def request_hold(*, request_id: int, user: AbstractBaseUser, reason: str, until: datetime) -> ApprovalRequest:
    """An approver (or an administrator) parks the request until a date, saying why: reminders and
    escalation pause, everyone sees it, and it comes back by itself."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("Say why the request waits.", fields={"reason": "Say why."})
    now = timezone.now()
    if until <= now:
        raise ApplicationError("The hold must end in the future.", fields={"until": "Choose a later date."})
    if until > now + LONGEST_HOLD:
        raise ApplicationError("A request can be held for 90 days at most.", fields={"until": "Choose an earlier date."})
    request = locked_request(request_id)
    if not request.is_open:
        raise ApplicationError(f"The request is {request.get_state_display().lower()}: there is nothing to hold.")
    if not _may_hold(request, user):
        raise NotAnApprover("Only an approver the request waits for, or an administrator, can put it on hold.")
    request.held_until, request.hold_reason, request.held_by = until, reason, user
    request.save(update_fields=["held_until", "hold_reason", "held_by", "updated_at"])
    audit(request, AuditEvent.Action.HELD, actor=user,
           message=f"On hold until {timezone.localtime(until):%d %b %Y %H:%M}: {reason}",
           data={"until": until.isoformat()})
    return request


@transaction.atomic
def request_release(*, request_id: int, user: AbstractBaseUser | None = None) -> ApprovalRequest:
    """The hold ends: by hand, or by itself once its date comes (user None)."""
    request = locked_request(request_id)
    if request.held_until is None:
        return request
    if user is not None and not _may_hold(request, user):
        raise NotAnApprover("Only an approver the request waits for, or an administrator, can end the hold.")
    if user is None and request.held_until > timezone.now():
        return request
    # Time on hold does not count against the step's deadline.
    held_from = _held_since(request)
    if request.step_due_at and held_from is not None:
        request.step_due_at += min(timezone.now(), request.held_until) - held_from
    request.held_until, request.hold_reason, request.held_by = None, "", None
    request.save(update_fields=["held_until", "hold_reason", "held_by", "step_due_at", "updated_at"])
    who = person_label(user) if user else "the date it was held until came"
    audit(request, AuditEvent.Action.HOLD_ENDED, actor=user, message=f"Back from hold: {who}.")
    return request


def _held_since(request: ApprovalRequest) -> datetime | None:
    event = request.audit_events.filter(action=AuditEvent.Action.HELD).order_by("-created_at", "-pk").first()
    return event.created_at if event else None


def holds_ending(*, now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(ApprovalRequest.objects.filter(state__in=ApprovalRequest.OPEN_STATES, held_until__lte=now)
                .values_list("pk", flat=True)[:1000])
