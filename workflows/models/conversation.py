"""Around a request: its discussion, who watches it, and the links in approvers' emails."""

from django.conf import settings
from django.db import models

from workflows.models.definition import WorkflowStep
from workflows.models.request import ApprovalRequest


class Comment(models.Model):
    """A question or a note on a request, apart from decisions: it neither approves nor rejects."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="comments")
    revision = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "created_at", "pk"]


class Watch(models.Model):
    """Someone who asked to hear of everything that happens to a request."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="watches")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "user"], name="one_watch_per_person")]


class ActionLink(models.Model):
    """An Approve or Reject link in one approver's email: one person, one revision, one step,
    one decision. The signed token names this row and when it was issued (each email's links
    expire on their own); the row says whether it was used."""

    class Decision(models.TextChoices):
        APPROVE = "approve", "Approve"
        REJECT = "reject", "Reject"

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="+")
    revision = models.PositiveIntegerField()
    step = models.ForeignKey(WorkflowStep, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=7, choices=Decision.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "revision", "step", "user", "decision"],
                                               name="one_action_link_per_decision")]
