"""What the approval engine announces. Adapters listen; the engine knows none of them.

Sent inside the service's transaction: receivers must only enqueue work on commit."""

from django.dispatch import Signal

# kwargs: request (ApprovalRequest), fully approved or bypassing approval, ready to publish.
request_approved = Signal()
