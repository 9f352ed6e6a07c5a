"""What the accounting system did to a bill behind the workflow's back: changed it after it was
approved, or approved it there directly. The request is flagged with the difference and the
administrators are told; whether it is reopened is the adapter's call (the organisation's choice)."""

from django.db import transaction
from django.utils import timezone

from workflows.models import ApprovalRequest, AuditEvent
from workflows.trail import audit, changes_text

CHANGED = "changed_after_approval"
BYPASSED = "approved_outside"
HEADLINES = {CHANGED: "Changed in {system} after approval", BYPASSED: "Approved in {system}, bypassing the workflow"}


@transaction.atomic
def request_flag_external_change(*, request_id: int, system_name: str, kind: str,
                                 differences: list[dict]) -> bool:
    """Flag the request (`differences`: {"field", "approved", "now"} each). Flagging the same
    difference again does nothing, so a pull that runs twice tells nobody twice. True when new."""
    if kind not in HEADLINES:
        raise ValueError(f"Unknown kind of external change: {kind}")
    request = ApprovalRequest.objects.select_for_update().get(pk=request_id)
    seen = request.external_change or {}
    if seen.get("kind") == kind and seen.get("differences") == differences:
        return False
    headline = HEADLINES[kind].format(system=system_name)
    request.external_change = {"kind": kind, "system": system_name, "headline": headline,
                               "at": timezone.now().isoformat(), "differences": differences}
    request.save(update_fields=["external_change", "updated_at"])
    audit(request, AuditEvent.Action.CHANGED_EXTERNALLY, actor_label=system_name,
          message=f"{headline}.{changes_text(differences)}", data={"kind": kind, "differences": differences})
    return True
