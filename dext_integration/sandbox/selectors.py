from dataclasses import dataclass

from django.db.models import QuerySet

from .api_client import ApiUnreachable, ApprovalMaxApi
from .models import SandboxItem, SandboxLink

# Statuses are read from our API while the list renders, so the list is kept short.
LISTED_ITEMS = 50

STATUS_LABELS = {
    "on_approval": "On approval",
    "approved": "Approved",
    "published": "Published to {system}",
    "publish_failed": "Publishing to {system} failed",
    "rejected": "Rejected",
    "cancelled": "Cancelled",
    "bypassed": "Created in {system} as a bank transaction",
    "bypass_failed": "Creating the bank transaction in {system} failed",
}
# The status's `accounting_system` (INTERFACES.md §3), as people call it.
SYSTEM_NAMES = {"xero": "Xero", "quickbooks": "QuickBooks Online"}


@dataclass(frozen=True)
class RemoteStatus:
    """A cost item's status as our API reports it, or why it is not known."""

    label: str
    code: str = ""
    request_url: str = ""
    external_url: str = ""
    system: str = ""
    rejection_by: str = ""
    rejection_comment: str = ""


UNREACHABLE = RemoteStatus(label="unknown (API unreachable)")
NOT_LINKED = RemoteStatus(label="unknown (no linked organisation)")


def link_active() -> SandboxLink | None:
    return SandboxLink.objects.order_by("-linked_at").first()


def item_stored_document_name(dext_id: str) -> str | None:
    return SandboxItem.objects.filter(dext_id=dext_id).values_list("document_name", flat=True).first()


def item_last_answered(dext_id: str) -> SandboxItem | None:
    return SandboxItem.objects.defer("document").filter(dext_id=dext_id, last_status__isnull=False).first()


def items_recent() -> QuerySet[SandboxItem]:
    return SandboxItem.objects.defer("document").order_by("-created_at", "-pk")[:LISTED_ITEMS]


def item_statuses(*, items: list[SandboxItem], link: SandboxLink | None) -> list[RemoteStatus]:
    """One status per item, in order, each asked of the organisation it was published to (`link`
    for those never published). Once the API cannot be reached, the rest are not tried."""
    apis: dict[int, ApprovalMaxApi] = {}
    statuses: list[RemoteStatus] = []
    for item in items:
        owner = item.link or link
        if owner is None:
            statuses.append(NOT_LINKED)
            continue
        api = apis.setdefault(owner.pk, ApprovalMaxApi(base_url=owner.base_url, api_key=owner.api_key))
        try:
            answer = api.cost_item_status(item.dext_id)
        except ApiUnreachable:
            return statuses + [UNREACHABLE for _ in items[len(statuses):]]
        statuses.append(_remote_status(answer))
    return statuses


def _remote_status(answer) -> RemoteStatus:
    body = answer.body
    if answer.status == 200 and body is not None and answer.remote_status:
        rejection = body.get("rejection") if isinstance(body.get("rejection"), dict) else {}
        external_url = body.get("external_url")
        system = SYSTEM_NAMES.get(body.get("accounting_system"), "the accounting system")
        return RemoteStatus(
            label=STATUS_LABELS.get(answer.remote_status, answer.remote_status).format(system=system),
            code=answer.remote_status,
            request_url=answer.request_url,
            external_url=external_url if isinstance(external_url, str) else "",
            system=system,
            rejection_by=_person(rejection.get("by")),
            rejection_comment=str(rejection.get("comment") or ""),
        )
    if answer.status == 404:
        return RemoteStatus(label="not in ApprovalMax")
    if answer.status == 401:
        return RemoteStatus(label="unknown (API key refused)")
    return RemoteStatus(label=f"unknown (HTTP {answer.status})")


def _person(value) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or value.get("email") or "")
    return str(value or "")
