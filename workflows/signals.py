"""What the approval engine announces. Adapters listen; the engine knows none of them.

Sent with approvalmax.core.signals.send_on_commit: receivers hear only what was committed."""

from django.dispatch import Signal

# kwargs: request (ApprovalRequest), fully approved or bypassing approval, ready to publish.
request_approved = Signal()

# kwargs: request (ApprovalRequest), approved and with its audit report rendered: adapters publish it.
request_ready_to_publish = Signal()
