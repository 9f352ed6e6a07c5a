"""What every part shares: organisations, their members, and the master data mirrored from
the accounting system that requests are coded with."""

from datetime import time

from django.conf import settings
from django.db import models

from approvalmax.core.audit_chain import GENESIS, ChainedRecord


class Organisation(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    base_currency = models.CharField(max_length=3, default="GBP")
    timezone = models.CharField(max_length=64, default="Europe/London")
    # The working week that deadlines count in, in the organisation's time zone (ISO days: 1 is Monday).
    working_days = models.CharField(max_length=7, default="12345",
                                    help_text="ISO weekdays worked, 1 (Monday) to 7 (Sunday), for example 12345.")
    working_day_starts = models.TimeField(default=time(9, 0))
    working_day_ends = models.TimeField(default=time(17, 30))
    action_link_days = models.PositiveSmallIntegerField(
        "days an email's Approve and Reject links work", default=7)
    reminder_after_hours = models.PositiveSmallIntegerField(
        "remind approvers after (hours)", default=24,
        help_text="A decision waiting this long is reminded once a day.")
    hold_possible_duplicates = models.BooleanField(
        "hold possible duplicates for review", default=False,
        help_text="Off: approvers are warned of a possible duplicate. On: it also waits on hold until someone reviews it.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(working_day_starts__lt=models.F("working_day_ends")),
                                   name="working_day_starts_before_it_ends"),
            models.CheckConstraint(condition=models.Q(action_link_days__gte=1), name="action_links_live_a_day"),
            models.CheckConstraint(condition=models.Q(working_days__regex=r"^[1-7]{1,7}$"), name="working_days_iso"),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", "Administrator"
        APPROVER = "approver", "Approver"
        AUDITOR = "auditor", "Auditor (reads every request, decides nothing)"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.APPROVER)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="one_membership_per_user")]

    def __str__(self) -> str:
        return f"{self.user} in {self.organisation} ({self.role})"


class MasterDataQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=MasterDataStatus.ACTIVE)


class MasterDataStatus(models.TextChoices):
    ACTIVE = "ACTIVE", "Active"
    ARCHIVED = "ARCHIVED", "Archived"
    DELETED = "DELETED", "Deleted"


class MasterData(models.Model):
    """A row mirrored from the organisation's accounting system: `external_system` names the
    registered system it came from (see `approvalmax.core.accounting`), `external_id` is its id
    there, in that system's own spelling. `updated_at` is ours, for incremental reads."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    external_system = models.CharField(max_length=20, blank=True)
    status = models.CharField(max_length=10, choices=MasterDataStatus.choices, default=MasterDataStatus.ACTIVE)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = MasterDataQuerySet.as_manager()

    class Meta:
        abstract = True


class Supplier(MasterData):
    # None for a supplier introduced by a cost item, until the accounting system has it.
    external_id = models.CharField(max_length=64, null=True, blank=True)
    name = models.CharField(max_length=255)
    is_supplier = models.BooleanField(default=False)
    email = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_system", "external_id"],
                condition=models.Q(external_id__isnull=False),
                name="supplier_unique_external_id",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Account(MasterData):
    external_id = models.CharField(max_length=64)
    code = models.CharField(max_length=10, blank=True)
    name = models.CharField(max_length=150)
    type = models.CharField(max_length=30)
    tax_type = models.CharField(max_length=50, blank=True)
    enable_payments = models.BooleanField(default=False)
    bank_account_number = models.CharField(max_length=50, blank=True)
    currency = models.CharField(max_length=3, blank=True)

    class Meta:
        ordering = ["code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "external_system", "external_id"],
                                    name="account_unique_external_id")
        ]

    @property
    def accepts_payments(self) -> bool:
        return self.type == "BANK" or self.enable_payments

    def __str__(self) -> str:
        return f"{self.code} - {self.name}" if self.code else self.name


class TaxRate(MasterData):
    tax_type = models.CharField(max_length=50)
    name = models.CharField(max_length=150)
    can_apply_to_expenses = models.BooleanField(default=True)
    effective_rate = models.DecimalField(max_digits=7, decimal_places=4, default=0)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "external_system", "tax_type"],
                                               name="tax_rate_unique_type")]

    def __str__(self) -> str:
        return f"{self.name} ({self.tax_type})"


class TrackingCategory(MasterData):
    external_id = models.CharField(max_length=64)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "tracking categories"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "external_system", "external_id"], name="tracking_category_unique_external_id"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TrackingOption(models.Model):
    category = models.ForeignKey(TrackingCategory, on_delete=models.CASCADE, related_name="options")
    external_id = models.CharField(max_length=64)
    name = models.CharField(max_length=100)
    status = models.CharField(max_length=10, choices=MasterDataStatus.choices, default=MasterDataStatus.ACTIVE)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MasterDataQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "external_id"], name="tracking_option_unique_external_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category.name}: {self.name}"


class DataVersion(models.Model):
    """A token that changes with any change to what a new request is built from: the
    organisation's master data, members and their users (core migration 0010), and its
    workflows (workflows migration 0020).

    Database triggers write it, so bulk updates, raw SQL and cascading deletes change it as
    surely as `save()`. What a process holds of those reads is kept under it
    (`approvalmax/core/versioned_reads.py`). No foreign key: a deleted organisation's cascade
    must not trip over its own token."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.DO_NOTHING, db_constraint=False, primary_key=True, related_name="+"
    )
    token = models.CharField(max_length=36)


class MasterDataList(models.TextChoices):
    SUPPLIERS = "suppliers", "Suppliers"
    ACCOUNTS = "accounts", "Accounts"
    TAX_RATES = "tax-rates", "Tax rates"
    TRACKING_CATEGORIES = "tracking-categories", "Tracking categories"
    BANK_ACCOUNTS = "bank-accounts", "Bank accounts"


class MasterDataListState(models.Model):
    """When each list was last synced from the accounting system, and when it last changed."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="master_data_lists")
    name = models.CharField(max_length=30, choices=MasterDataList.choices)
    synced_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="one_state_per_list")]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_name_display()}"


class AuditChainHead(models.Model):
    """Where an organisation's audit chain ends: its length and last hash. Locked to append."""

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, primary_key=True, related_name="+")
    length = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS)


class ConfigurationChange(ChainedRecord):
    """Who changed which setting of the organisation, when, from what to what: workflows, steps,
    matrix rules, segregation of duties, members and roles, connections; in the admin or our pages."""

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        DELETED = "deleted", "Deleted"

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    subject_type = models.CharField(max_length=100)
    subject_id = models.CharField(max_length=64)
    subject_label = models.CharField(max_length=300)
    action = models.CharField(max_length=10, choices=Action.choices)
    changes = models.JSONField(default=dict, blank=True)
    actor_id = models.IntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=200)
    via = models.CharField(max_length=20, help_text="admin, pages or system")
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["organisation", "chain_position"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.subject_label}"

    def chain_content(self) -> dict:
        return {"kind": "configuration", "organisation": self.organisation_id, "subject_type": self.subject_type,
                "subject_id": self.subject_id, "subject_label": self.subject_label, "action": self.action,
                "changes": self.changes, "actor": self.actor_id, "actor_label": self.actor_label, "via": self.via,
                "created_at": self.created_at}


class AccountingBill(models.Model):
    """A recent supplier bill in the accounting system, however it got there (ours, Dext's direct
    path, typed in): what a new request is compared with for duplicates."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    external_system = models.CharField(max_length=20)
    external_id = models.CharField(max_length=64)
    supplier = models.ForeignKey("Supplier", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    supplier_name = models.CharField(max_length=255)
    number = models.CharField(max_length=255, blank=True)
    date = models.DateField()
    total = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20)
    url = models.URLField(max_length=1000, blank=True)
    # Published from here: its request is compared already.
    from_here = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "external_system", "external_id"],
                                               name="one_mirror_per_accounting_bill")]
        indexes = [models.Index(fields=["organisation", "supplier"], name="accounting_bill_supplier")]


class RateCounter(models.Model):
    """Calls in one fixed window of a call budget, when there is no Redis (the single-machine demo)."""

    scope = models.CharField(max_length=200)
    period = models.CharField(max_length=20)
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "period", "window"], name="one_rate_counter_per_window")
        ]


class CallSlot(models.Model):
    """A call in flight within a call budget, when there is no Redis; stale rows belong to dead processes."""

    scope = models.CharField(max_length=200, db_index=True)
    started_at = models.DateTimeField()
