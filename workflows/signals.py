"""What the approval engine announces. Adapters listen; the engine knows none of them.

Sent with approvalmax.core.signals.send_on_commit: receivers hear only what was committed."""

from django.dispatch import Signal

# kwargs: request (ApprovalRequest), fully approved or bypassing approval, ready to publish.
request_approved = Signal()

# kwargs: request (ApprovalRequest), approved and with its audit report rendered: adapters publish it.
request_ready_to_publish = Signal()

# kwargs: request (ApprovalRequest), rejected (by its approvers or an administrator): an adapter
# whose system holds the bill already (it was pulled from there) hands it back.
request_rejected = Signal()
