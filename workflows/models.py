import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.text import get_valid_filename
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from approvalmax.core.models import Account, Organisation, Supplier, TaxRate, TrackingOption


class Workflow(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="workflows")
    name = models.CharField(max_length=200, default="Bill creation, review and approval")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class WorkflowStep(models.Model):
    class Mode(models.TextChoices):
        ANY = "any", "Any one of the approvers"
        ALL = "all", "All of the approvers"

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=100, default="Approval")
    mode = models.CharField(max_length=3, choices=Mode.choices, default=Mode.ANY)
    approvers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)

    class Meta:
        ordering = ["workflow", "position"]
        constraints = [models.UniqueConstraint(fields=["workflow", "position"], name="one_step_per_position")]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


def _is_current_approver(instance: "ApprovalRequest", user) -> bool:
    return user is not None and instance.current_approver_ids().__contains__(user.pk)


def _is_system(instance: "ApprovalRequest", user) -> bool:
    """Publishing outcomes and Dext's own actions are reported by the system, not a person."""
    return user is None


class ApprovalRequest(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        ON_APPROVAL = "on_approval", "On approval"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"
        PUBLISH_FAILED = "publish_failed", "Publish failed"
        REJECTED = "rejected", "Rejected"
        CANCELLED = "cancelled", "Cancelled"

    class Kind(models.TextChoices):
        BILL = "bill", "Bill"
        SPEND_MONEY = "spend_money", "Spend money (bank transaction)"

    class LineAmountTypes(models.TextChoices):
        EXCLUSIVE = "Exclusive", "Tax exclusive"
        INCLUSIVE = "Inclusive", "Tax inclusive"
        NO_TAX = "NoTax", "No tax"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="requests")
    workflow = models.ForeignKey(Workflow, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.BILL)
    state = FSMField(default=State.DRAFT, choices=State.choices, protected=True, db_index=True)
    revision = models.PositiveIntegerField(default=1)
    current_step = models.ForeignKey(WorkflowStep, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    supplier_name = models.CharField(max_length=255)
    supplier = models.ForeignKey(Supplier, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    invoice_number = models.CharField(max_length=255, blank=True)
    date = models.DateField()
    due_date = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3)
    line_amount_types = models.CharField(max_length=10, choices=LineAmountTypes.choices)
    sub_total = models.DecimalField(max_digits=14, decimal_places=2)
    tax_total = models.DecimalField(max_digits=14, decimal_places=2)
    total = models.DecimalField(max_digits=14, decimal_places=2)
    is_paid = models.BooleanField(default=False)
    payment_method_name = models.CharField(max_length=255, blank=True)
    payment_account = models.ForeignKey(Account, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    source_system = models.CharField(max_length=30)
    source_reference = models.CharField(max_length=100)
    source_url = models.URLField(max_length=1000, blank=True)
    requester_name = models.CharField(max_length=200, blank=True)
    requester_email = models.EmailField(blank=True)

    external_id = models.CharField(max_length=100, blank=True)
    external_url = models.URLField(max_length=1000, blank=True)
    publish_error = models.TextField(blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organisation", "state"])]
        permissions = [("decide_request", "Can approve or reject requests on behalf of the system")]

    def __str__(self) -> str:
        return f"{self.supplier_name} {self.invoice_number} ({self.get_state_display()})"

    # Transitions check and change state only; services lock, save, audit and enqueue.
    @transition(field=state, source=State.DRAFT, target=State.ON_APPROVAL, permission=_is_system)
    def submit(self) -> None:
        pass

    @transition(field=state, source=State.DRAFT, target=State.APPROVED, permission=_is_system)
    def bypass(self) -> None:
        pass

    @transition(field=state, source=State.ON_APPROVAL, target=State.APPROVED, permission=_is_current_approver)
    def approve(self) -> None:
        pass

    @transition(field=state, source=State.ON_APPROVAL, target=State.REJECTED, permission=_is_current_approver)
    def reject(self) -> None:
        pass

    @transition(field=state, source=State.ON_APPROVAL, target=State.CANCELLED, permission=_is_system)
    def cancel(self) -> None:
        pass

    @transition(
        field=state,
        source=[State.ON_APPROVAL, State.REJECTED, State.CANCELLED],
        target=State.ON_APPROVAL,
        permission=_is_system,
    )
    def resubmit(self) -> None:
        pass

    @transition(field=state, source=State.APPROVED, target=State.PUBLISHED, permission=_is_system)
    def mark_published(self) -> None:
        pass

    @transition(field=state, source=State.APPROVED, target=State.PUBLISH_FAILED, permission=_is_system)
    def mark_publish_failed(self) -> None:
        pass

    def current_approver_ids(self) -> set[int]:
        """Approvers of the current step who have not yet approved it in this revision."""
        if self.state != self.State.ON_APPROVAL or self.current_step_id is None:
            return set()
        step_approvers = set(self.current_step.approvers.values_list("pk", flat=True))
        decided = set(
            self.decisions.filter(revision=self.revision, step_id=self.current_step_id).values_list(
                "approver_id", flat=True
            )
        )
        return step_approvers - decided

    def current_lines(self):
        return self.lines.filter(revision=self.revision)

    def current_document(self) -> "RequestDocument | None":
        return self.documents.filter(revision=self.revision).first()


class RequestLine(models.Model):
    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="lines")
    revision = models.PositiveIntegerField()
    position = models.PositiveSmallIntegerField()
    description = models.TextField(blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=4)
    unit_amount = models.DecimalField(max_digits=14, decimal_places=4)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    tax_rate = models.ForeignKey(TaxRate, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    line_amount = models.DecimalField(max_digits=14, decimal_places=2)
    tax_amount = models.DecimalField(max_digits=14, decimal_places=2)
    tracking = models.ManyToManyField(TrackingOption, blank=True, related_name="+")

    class Meta:
        ordering = ["request", "revision", "position"]


def _document_path(instance: "RequestDocument", filename: str) -> str:
    name = get_valid_filename(PurePath(filename).name) or "document"
    return f"documents/{instance.request.organisation_id}/{uuid.uuid4().hex}/{name}"


class RequestDocument(models.Model):
    """The original file of one revision, kept byte for byte."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="documents")
    revision = models.PositiveIntegerField()
    file = models.FileField(upload_to=_document_path, max_length=500)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["request", "-revision"]
        constraints = [models.UniqueConstraint(fields=["request", "revision"], name="one_document_per_revision")]

    @property
    def is_inline_image(self) -> bool:
        return self.content_type in {"image/png", "image/jpeg", "image/gif"}

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"


class Decision(models.Model):
    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="decisions")
    revision = models.PositiveIntegerField()
    step = models.ForeignKey(WorkflowStep, on_delete=models.PROTECT, related_name="+")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    comment = models.TextField(blank=True)
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "revision", "step", "approver"], name="one_decision_per_approver_and_step"
            )
        ]


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit trail is append-only.")

    def delete(self):
        raise TypeError("The audit trail is append-only.")


class AuditEvent(models.Model):
    """Append-only: written in the same transaction as the change it records."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        RESUBMITTED = "resubmitted", "Resubmitted as a new revision"
        BYPASSED = "bypassed", "Bypassed approval"
        STEP_STARTED = "step_started", "Step started"
        APPROVED = "approved", "Approved"
        STEP_COMPLETED = "step_completed", "Step completed"
        FULLY_APPROVED = "fully_approved", "Fully approved"
        REJECTED = "rejected", "Rejected"
        CANCELLED = "cancelled", "Cancelled"
        PUBLISHED = "published", "Published"
        PUBLISH_FAILED = "publish_failed", "Publishing failed"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="audit_events")
    revision = models.PositiveIntegerField()
    action = models.CharField(max_length=20, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor_label = models.CharField(max_length=200)
    message = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit trail is append-only.")
