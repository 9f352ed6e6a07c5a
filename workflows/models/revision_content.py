"""What a revision of a request holds: its lines, its original document and its audit report."""

import uuid
from pathlib import PurePath

from django.db import models
from django.utils.text import get_valid_filename

from approvalmax.core.models import Account, Organisation, TaxRate, TrackingOption
from workflows.models.request import ApprovalRequest
from workflows.models.spending import line_count


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
    # The budget check's copy of the request (workflows.models.spending): its month, whether the
    # line counts as spent or on approval, and its amount before tax.
    month = models.DateField(null=True, editable=False)
    counts_as = models.CharField(max_length=5, blank=True, default="", editable=False)
    net_amount = models.DecimalField(max_digits=14, decimal_places=2, default=0, editable=False)

    class Meta:
        ordering = ["request", "revision", "position"]
        indexes = [models.Index(fields=["account", "month"], name="line_budget_use", condition=~models.Q(counts_as=""))]

    def save(self, *args, **kwargs):
        line_count(self, self.request)
        super().save(*args, **kwargs)


def _document_path(instance: "RequestDocument", filename: str) -> str:
    name = get_valid_filename(PurePath(filename).name) or "document"
    return f"documents/{instance.request.organisation_id}/{uuid.uuid4().hex}/{name}"


class RequestDocument(models.Model):
    """The original file of one revision, kept byte for byte."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="documents")
    # The request's, kept here so that the duplicate check finds the organisation's copies of a
    # file by one index: joined to the requests, a burst of copies was planned as a loop over
    # every request of the organisation for each copy.
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+", db_index=False)
    revision = models.PositiveIntegerField()
    file = models.FileField(upload_to=_document_path, max_length=500)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)  # the same file again (workflows.duplicates)
    # A perceptual fingerprint of an image (workflows.image_hash), to catch the same page photographed twice.
    image_hash = models.CharField(max_length=16, blank=True)

    class Meta:
        ordering = ["request", "-revision"]
        constraints = [models.UniqueConstraint(fields=["request", "revision"], name="one_document_per_revision")]
        indexes = [
            models.Index(fields=["organisation", "sha256"], name="document_same_file"),
            models.Index(fields=["organisation", "-id"], name="document_pictures", condition=~models.Q(image_hash="")),
        ]

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"


class AuditReport(models.Model):
    """The audit report of one approved revision: rendered once, away from any publish lock, and
    sent as these very bytes by every attempt to attach it."""

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="audit_reports")
    revision = models.PositiveIntegerField()
    file = models.FileField(upload_to="audit-reports/%Y/%m/", max_length=300)
    rendered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "revision"], name="one_audit_report_per_revision")]
