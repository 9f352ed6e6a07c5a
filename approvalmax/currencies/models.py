"""Exchange rates for bills in a currency other than the organisation's base currency: a table
administrators keep, or the rates the accounting system last applied."""

from django.db import models

from approvalmax.core.models import Organisation


class ExchangeRate(models.Model):
    """`rate` units of `currency` to one unit of the organisation's base currency, from `on`
    (Xero's way of writing CurrencyRate: base amount = amount / rate)."""

    class Source(models.TextChoices):
        TABLE = "table", "The organisation's rate table"
        ACCOUNTING = "accounting", "The accounting system's latest bill in that currency"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="exchange_rates")
    currency = models.CharField(max_length=3)
    rate = models.DecimalField(max_digits=18, decimal_places=8)
    on = models.DateField()
    source = models.CharField(max_length=10, choices=Source.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["currency", "-on"]
        constraints = [models.UniqueConstraint(fields=["organisation", "source", "currency", "on"],
                                               name="one_rate_a_day"),
                       models.CheckConstraint(condition=models.Q(rate__gt=0), name="rate_positive")]

    def __str__(self) -> str:
        return f"1 {self.organisation.base_currency} = {self.rate_text} {self.currency} from {self.on}"

    @property
    def rate_text(self) -> str:
        return f"{self.rate.normalize():f}"


class RatePolicy(models.Model):
    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="rate_policy")
    source = models.CharField("Convert with", max_length=10, choices=ExchangeRate.Source.choices,
                              default=ExchangeRate.Source.TABLE)
    synced_at = models.DateTimeField(null=True, blank=True)
    sync_error = models.TextField(blank=True)
