"""Who hears what (INTERFACES.md §5): each announced audit event becomes one notification per
person, keyed by the event, so that announcing it twice tells nobody twice."""

from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from approvalmax.notifications.services import Message, administrators_notify, notify
from workflows import checks
from workflows.action_links import links_issue
from workflows.budget_check import budget_check
from workflows.conversion import conversion_text
from workflows.duplicates import FIRST_SHOWN, possible_duplicates
from workflows.models import ApprovalRequest, AuditEvent, RequestLine, Substitution, Watch
from workflows.selectors import request_page_url

Action = AuditEvent.Action


def _money(amount: Decimal, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def bill_title(request: ApprovalRequest) -> str:
    number = f", {request.document_noun} {request.invoice_number}" if request.invoice_number else ""
    return f"{request.supplier_name} {_money(request.total, request.currency)}{number}"


def _render(name: str, context: dict) -> tuple[str, str]:
    return (render_to_string(f"workflows/mail/{name}.txt", context).strip(),
            render_to_string(f"workflows/mail/{name}.html", context))


def _due(request: ApprovalRequest) -> str:
    if request.step_due_at is None:
        return ""
    zone = ZoneInfo(request.organisation.timezone)
    return f"{timezone.localtime(request.step_due_at, zone):%a %d %b %Y %H:%M} ({request.organisation.timezone})"


def _duplicates_told(duplicates: list) -> list[str]:
    told = [duplicate.describe() for duplicate in duplicates[:FIRST_SHOWN]]
    if len(duplicates) > FIRST_SHOWN:
        more = len(duplicates) - FIRST_SHOWN
        told.append(f"{more} more possible duplicate{'s' if more > 1 else ''}: the request page lists them.")
    return told


def bill_context(request: ApprovalRequest) -> dict:
    """What every approver's message about the request shows, read once for all of them."""
    lines = RequestLine.objects.filter(request=request, revision=request.revision).select_related("account")
    check = budget_check(request)
    return {"r": request, "lines": list(lines.order_by("position")), "url": request_page_url(request=request),
            "due": _due(request), "title": bill_title(request), "conversion": conversion_text(request),
            "warnings": _duplicates_told(possible_duplicates(request))
            + [message for _, message in (check.warnings() if check else [])]
            + ([conversion_text(request)] if request.is_foreign and request.base_total is None else [])
            + checks.problems_before_approval(request)}


def approval_message(request: ApprovalRequest, user_id: int, *, why: str, bill: dict, kind: str = "approval_needed",
                     prefix: str = "Approval needed") -> Message:
    """What an approver the request waits for receives: the bill, and links to decide on it."""
    verb = "Review" if request.current_step.is_review else prefix
    context = {**bill, "links": links_issue(request=request, user_id=user_id), "why": why}
    text, html = _render("approval_needed", context)
    return Message(kind=kind, subject=f"{verb}: {bill['title']}", text=text, html=html, url=bill["url"])


def update_message(request: ApprovalRequest, *, kind: str, headline: str, detail: str = "",
                   link: str = "", link_label: str = "") -> Message:
    url = request_page_url(request=request)
    context = {"r": request, "headline": headline, "detail": detail, "url": url, "link": link,
               "link_label": link_label, "title": bill_title(request)}
    text, html = _render("update", context)
    return Message(kind=kind, subject=f"{headline}: {bill_title(request)}", text=text, html=html, url=url)


def _with_substitutes(request: ApprovalRequest, approver_ids: list[int]) -> dict[int, str]:
    """The approvers, and whoever substitutes today for one who is away, with why each hears."""
    people = {pk: "You are an approver of this step." for pk in approver_ids}
    today = timezone.localdate()
    for sub in Substitution.objects.filter(organisation_id=request.organisation_id, user_id__in=approver_ids,
                                           starts_on__lte=today, ends_on__gte=today).select_related("user"):
        people.setdefault(sub.substitute_id, f"You substitute for {sub.user.get_full_name() or sub.user.username}.")
    return people


def _waiting_now(request: ApprovalRequest, approver_ids: list[int]) -> list[int]:
    waiting = request.current_approver_ids()
    return [pk for pk in approver_ids if pk in waiting]


def _watchers(request: ApprovalRequest) -> set[int]:
    return set(Watch.objects.filter(request=request).values_list("user_id", flat=True))


def _requester_and_watchers(request: ApprovalRequest) -> set[int]:
    people = _watchers(request)
    if request.requester_id:
        people.add(request.requester_id)
    return people


def _tell_approvers(event: AuditEvent, request: ApprovalRequest, approver_ids: list[int], **kwargs) -> int:
    # Sent only while the step still waits: a request that moved on before the task ran tells nobody.
    if not request.is_open or request.revision != event.revision or request.current_step_id != event.data.get("step"):
        return 0
    people = _with_substitutes(request, _waiting_now(request, approver_ids))
    if not people:
        return 0
    bill = bill_context(request)
    messages = {pk: approval_message(request, pk, why=why, bill=bill, **kwargs) for pk, why in people.items()}
    return notify(organisation_id=request.organisation_id, key=f"event:{event.pk}", messages=messages)


def _tell(event: AuditEvent, request: ApprovalRequest, people: set[int], message: Message) -> int:
    people.discard(event.actor_id)
    return notify(organisation_id=request.organisation_id, key=f"event:{event.pk}",
                  messages={pk: message for pk in people})


@transaction.atomic
def event_announce(*, event_id: int) -> int:
    """Tell whoever the event concerns. Returns how many notifications were new."""
    event = AuditEvent.objects.select_related("actor").filter(pk=event_id).first()
    if event is None:
        return 0
    request = ApprovalRequest.objects.select_related("organisation", "current_step", "workflow").get(
        pk=event.request_id)  # fmt: skip
    action = event.action
    if action == Action.STEP_STARTED:
        return _tell_approvers(event, request, event.data.get("approvers", []))
    if action == Action.ESCALATED:
        told = _tell_approvers(event, request, event.data.get("approvers", []), kind="escalated",
                               prefix="Escalated to you")
        if event.data.get("mode") == "notify":
            told += _tell(event, request, {event.data["to"]}, update_message(
                request, kind="escalated", headline="Overdue", detail=event.message))
        return told
    if action == Action.FULLY_APPROVED:
        return _tell(event, request, _requester_and_watchers(request),
                     update_message(request, kind="approved", headline="Approved", detail=event.message))
    if action in (Action.REJECTED, Action.FORCE_REJECTED):
        who = event.actor_label
        return _tell(event, request, _requester_and_watchers(request), update_message(
            request, kind="rejected", headline="Rejected", detail=f"{who} rejected it: {event.message}"))
    if action == Action.PUBLISHED:
        return _tell(event, request, _requester_and_watchers(request), update_message(
            request, kind="published", headline="Published", detail=event.message,
            link=request.external_url, link_label="Open the bill"))
    if action == Action.PUBLISH_FAILED:
        message = update_message(request, kind="publish_failed", headline="Publishing failed",
                                 detail=f"{event.message} An administrator can publish it again once this is fixed.")
        told = _tell(event, request, _requester_and_watchers(request), message)
        return told + administrators_notify(organisation_id=request.organisation_id, key=f"event:{event.pk}",
                                            message=message)
    if action == Action.COMMENTED:
        people = _watchers(request) | set(event.data.get("mentions", []))
        return _tell(event, request, people, update_message(
            request, kind="comment", headline=f"{event.actor_label} commented", detail=event.message))
    if action == Action.RESUBMITTED:
        # Only a revision that says what changed concerns those who approved the one before.
        people = set(event.data.get("approved_by", [])) if event.data.get("changes") else set()
        return _tell(event, request, people, update_message(
            request, kind="changed", headline="Changed and back on approval", detail=event.message))
    if action == Action.CHANGED_EXTERNALLY:
        message = update_message(request, kind="changed_outside", detail=event.message,
                                 headline=request.external_change.get("headline") or "Changed in the accounting system",
                                 link=request.external_url or request.source_url, link_label="Open the bill")
        told = _tell(event, request, _watchers(request), message)
        return told + administrators_notify(organisation_id=request.organisation_id, key=f"event:{event.pk}",
                                            message=message)
    if action in (Action.HELD, Action.HOLD_ENDED, Action.CANCELLED):
        people = _watchers(request) | set(request.current_approver_ids())
        headline = {Action.HELD: "On hold", Action.HOLD_ENDED: "Back from hold", Action.CANCELLED: "Withdrawn"}[action]
        return _tell(event, request, people, update_message(request, kind=action, headline=headline,
                                                            detail=event.message))
    return 0


def reminders_send(*, request: ApprovalRequest, now=None) -> int:
    """Remind the approvers a request has waited for too long; once a local day each."""
    now = now or timezone.now()
    day = timezone.localtime(now, ZoneInfo(request.organisation.timezone)).date()
    waiting = sorted(request.current_approver_ids())
    if not waiting:
        return 0
    hours = int((now - request.step_started_at).total_seconds() // 3600)
    people = _with_substitutes(request, waiting)
    bill = bill_context(request)
    messages = {pk: approval_message(request, pk, why=f"It has waited {hours} hours. {why}", bill=bill,
                                     kind="reminder", prefix="Reminder") for pk, why in people.items()}
    return notify(organisation_id=request.organisation_id,
                  key=f"reminder:{request.pk}:{request.revision}:{request.current_step_id}:{day.isoformat()}",
                  messages=messages)
