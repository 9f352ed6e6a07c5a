"""Monthly budgets per account, overall or for one tracking option, and how an organisation reads
them: the period a bill is compared within, and net or gross amounts."""

from django.db import models
from django.db.models import Q

from approvalmax.core.models import Account, Organisation, TrackingOption


class Budget(models.Model):
    """One month's budget of an account (overall), or of an account and one tracking option."""

    class Source(models.TextChoices):
        ACCOUNTING = "accounting", "The accounting system"
        UPLOAD = "upload", "Uploaded file"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="budgets")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    tracking_option = models.ForeignKey(TrackingOption, on_delete=models.CASCADE, null=True, blank=True,
                                        related_name="+")
    month = models.DateField(help_text="The first day of the month.")
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    source = models.CharField(max_length=12, choices=Source.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "account", "tracking_option", "month"],
                                    name="one_budget_a_month_per_option"),
            models.UniqueConstraint(fields=["organisation", "account", "month"], condition=Q(tracking_option=None),
                                    name="one_overall_budget_a_month"),
        ]
        indexes = [models.Index(fields=["organisation", "account", "month"], name="budget_account_month")]


class BudgetPolicy(models.Model):
    """How the organisation's bills are compared with its budgets."""

    class Period(models.TextChoices):
        MONTH = "month", "The bill's month"
        QUARTER = "quarter", "The bill's quarter"
        YEAR_TO_DATE = "year_to_date", "The year to the end of the bill's month"

    class Basis(models.TextChoices):
        NET = "net", "Net (before tax)"
        GROSS = "gross", "Gross (with tax)"

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="budget_policy")
    period = models.CharField(max_length=12, choices=Period.choices, default=Period.MONTH)
    year_starts_in = models.PositiveSmallIntegerField(
        default=1, help_text="The month (1-12) the financial year starts in: quarters and the year count from it.")
    class Origin(models.TextChoices):
        ACCOUNTING = "accounting", "The accounting system's budgets, synced daily"
        UPLOAD = "upload", "A file an administrator uploads"

    basis = models.CharField(max_length=5, choices=Basis.choices, default=Basis.NET)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.ACCOUNTING)
    synced_at = models.DateTimeField(null=True, blank=True)
    sync_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"Budget policy of {self.organisation}"
