"""What happened to a request: the decisions taken on it, and its append-only audit trail."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from approvalmax.core.audit_chain import ChainedRecord
from approvalmax.core.models import Organisation
from workflows.models.definition import WorkflowStep
from workflows.models.request import ApprovalRequest


class Decision(models.Model):
    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        REVIEWED = "reviewed", "Reviewed"
        REJECTED = "rejected", "Rejected"

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="decisions")
    revision = models.PositiveIntegerField()
    step = models.ForeignKey(WorkflowStep, on_delete=models.PROTECT, related_name="+")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The approver a substitute decided for.",
    )  # fmt: skip
    forced = models.BooleanField(default=False, help_text="An administrator overrode the workflow.")
    comment = models.TextField(blank=True)
    decided_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "revision", "step", "approver"],
                condition=Q(revoked_at__isnull=True, on_behalf_of__isnull=True),
                name="one_decision_per_approver_and_step",
            ),
            models.UniqueConstraint(
                fields=["request", "revision", "step", "on_behalf_of"],
                condition=Q(revoked_at__isnull=True, on_behalf_of__isnull=False),
                name="one_decision_per_absent_approver_and_step",
            ),
        ]

    @property
    def counts_for_id(self) -> int:
        return self.on_behalf_of_id or self.approver_id


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit trail is append-only.")

    def delete(self):
        raise TypeError("The audit trail is append-only.")


class AuditEvent(ChainedRecord):
    """Append-only: written in the same transaction as the change it records, and chained (with
    the organisation's configuration changes) so that an edit or a deletion shows."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        RESUBMITTED = "resubmitted", "Resubmitted as a new revision"
        BYPASSED = "bypassed", "Bypassed approval"
        STEP_STARTED = "step_started", "Step started"
        STEP_SKIPPED = "step_skipped", "Step skipped"
        APPROVED = "approved", "Approved"
        REVIEWED = "reviewed", "Reviewed"
        RETURNED_TO_REVIEW = "returned_to_review", "Sent back to review"
        LINE_EDITED = "line_edited", "Line edited"
        LINE_SPLIT = "line_split", "Line split"
        DECISION_REVOKED = "decision_revoked", "Decision revoked"
        STEP_COMPLETED = "step_completed", "Step completed"
        AUTO_APPROVED = "auto_approved", "Auto-approved"
        FULLY_APPROVED = "fully_approved", "Fully approved"
        FORCE_APPROVED = "force_approved", "Force-approved by an administrator"
        REJECTED = "rejected", "Rejected"
        FORCE_REJECTED = "force_rejected", "Force-rejected by an administrator"
        CANCELLED = "cancelled", "Cancelled"
        PUBLISHED = "published", "Published"
        PUBLISH_FAILED = "publish_failed", "Publishing failed"
        PUBLISH_AGAIN = "publish_again", "Publishing started again"
        COMMENTED = "commented", "Commented"
        ESCALATED = "escalated", "Escalated"
        HELD = "held", "Put on hold"
        HOLD_ENDED = "hold_ended", "Back from hold"
        CREDIT_ALLOCATED = "credit_allocated", "Credit allocation chosen"
        CHANGED_EXTERNALLY = "changed_outside", "Changed in the accounting system"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(ApprovalRequest, on_delete=models.PROTECT, related_name="audit_events")
    revision = models.PositiveIntegerField()
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor_label = models.CharField(max_length=200)
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def chain_content(self) -> dict:
        return {"kind": "request", "organisation": self.organisation_id, "request": self.request_id,
                "revision": self.revision, "action": self.action, "actor": self.actor_id,
                "actor_label": self.actor_label, "message": self.message, "data": self.data,
                "created_at": self.created_at}
