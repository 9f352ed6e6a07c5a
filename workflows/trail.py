"""The audit trail as services write it: one event per change, in the change's transaction,
chained with the organisation's; the events people are told of are announced on commit."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from approvalmax.core.audit_chain import chain_append
from workflows.content import RequestContent
from workflows.models import ApprovalRequest, AuditEvent

SYSTEM = "System"


def person_label(user: AbstractBaseUser | None, fallback: str = SYSTEM) -> str:
    if user is None:
        return fallback
    return user.get_full_name() or user.get_username()


# While a service holds its events (`audit_together`), they join the chain together at its end.
_held_events: ContextVar[list | None] = ContextVar("held_audit_events", default=None)


@contextmanager
def audit_together():
    held: list[AuditEvent] = []
    token = _held_events.set(held)
    try:
        yield
        chain_append(held)
    finally:
        _held_events.reset(token)


def audit(
    request: ApprovalRequest,
    action: str,
    *,
    actor: AbstractBaseUser | None = None,
    actor_label: str | None = None,
    message: str = "",
    data: dict | None = None,
) -> AuditEvent:
    event = AuditEvent(organisation_id=request.organisation_id, request=request, revision=request.revision,
                       action=action, actor=actor, actor_label=actor_label or person_label(actor), message=message,
                       data=data or {}, created_at=timezone.now())
    held = _held_events.get()
    if held is None:
        event.save()
    else:
        held.append(event)
    if action in ANNOUNCED:
        transaction.on_commit(lambda: _announce(event.pk))
    return event


# What people are told of (workflows.notices says whom); the rest is only in the trail.
ANNOUNCED = {
    AuditEvent.Action.STEP_STARTED, AuditEvent.Action.FULLY_APPROVED, AuditEvent.Action.REJECTED,
    AuditEvent.Action.FORCE_REJECTED, AuditEvent.Action.CANCELLED, AuditEvent.Action.PUBLISHED,
    AuditEvent.Action.PUBLISH_FAILED, AuditEvent.Action.COMMENTED, AuditEvent.Action.ESCALATED,
    AuditEvent.Action.HELD, AuditEvent.Action.HOLD_ENDED, AuditEvent.Action.RESUBMITTED,
    AuditEvent.Action.CHANGED_EXTERNALLY,
}  # fmt: skip


def _announce(event_id: int) -> None:
    from workflows.tasks import announce

    announce.delay(event_id)


def requester_label(request: ApprovalRequest, content: RequestContent) -> str:
    """Who submitted, for the trail: a member by name, anyone else as what the source says they
    are, so that an outsider whose email resembles a member's never reads as that member."""
    source = content.source_system.title()
    if request.requester is not None:
        return f"{person_label(request.requester)}, requester (member, via {source})"
    who = " ".join(part for part in (content.requester_name, f"<{content.requester_email}>"
                                     if content.requester_email else "") if part)  # fmt: skip
    return f"{who or 'Unknown'}, requester from {source} (not a member)"


def source_label(content: RequestContent) -> str:
    return f"{content.source_system.title()} item {content.source_reference}"


def changes_text(changes: list[dict] | None) -> str:
    """" Changed: total 100.00 → 120.00; line 1 account 429 → 400." (empty without changes)."""
    if not changes:
        return ""
    return " Changed: " + "; ".join(f"{c['field']} {c['approved'] or '(none)'} → {c['now'] or '(none)'}"
                                    for c in changes) + "."
