"""What administrators configure: workflow versions, their steps and matrices, substitutes."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from approvalmax.core.models import Account, Organisation, Supplier, TaxRate, TrackingCategory, TrackingOption

class Workflow(models.Model):
    """One version of an organisation's "Bill creation, review and approval" workflow.

    A version is immutable once a request runs on it: administrators make a new version (a draft
    copy they edit), publish it, new requests take the latest published one, and a request keeps
    its own."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="workflows")
    name = models.CharField(max_length=200, default="Bill creation, review and approval")
    version = models.PositiveIntegerField(default=1)
    requester_may_approve = models.BooleanField(
        "the requester may approve their own request",
        default=False,
        help_text="Switches segregation of duties off for the organisation. Leave unticked unless you must.",
    )
    approve_all_steps_at_once = models.BooleanField(
        "an approver in several steps approves them all at once",
        default=False,
        help_text="When the next step waits for someone who has just approved, their approval counts there too.",
    )
    required_tracking_categories = models.ManyToManyField(
        TrackingCategory,
        blank=True,
        related_name="+",
        help_text="Every line of a cost item must carry an option of these categories; Dext is told which is missing.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A new version is a draft, edited while the live one keeps running, until it is published.
    is_draft = models.BooleanField(default=False, help_text="Drafts run no request until they are published.")

    class Meta:
        ordering = ["organisation", "-version"]
        constraints = [models.UniqueConstraint(fields=["organisation", "version"], name="one_workflow_per_version")]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation}), version {self.version}"


class WorkflowStep(models.Model):
    class Mode(models.TextChoices):
        ANY = "any", "Any one of the approvers"
        ALL = "all", "All of the approvers"
        QUORUM = "quorum", "At least a number of the approvers"

    class DeadlineUnit(models.TextChoices):
        WORKING_HOURS = "working_hours", "working hours"
        WORKING_DAYS = "working_days", "working days"

    class Escalation(models.TextChoices):
        NONE = "", "None"
        NOTIFY = "notify", "Tell the escalation contact"
        ADD_APPROVER = "add_approver", "Add the escalation contact as an approver of the step"
        HAND_OVER = "hand_over", "Hand the step to the escalation contact (any-one steps)"

    class Kind(models.TextChoices):
        APPROVAL = "approval", "Approval"
        REVIEW = "review", "Review (reviewers may change the coding)"
        AUTO_APPROVAL = "auto_approval", "Auto-approval (evaluated first)"

    class EditableField(models.TextChoices):
        DESCRIPTION = "description", "Description"
        ACCOUNT = "account", "Account"
        TAX_RATE = "tax_rate", "Tax rate"
        TRACKING = "tracking", "Tracking"
        SPLIT = "split", "Split a line"

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(max_length=100, default="Approval")
    kind = models.CharField(max_length=15, choices=Kind.choices, default=Kind.APPROVAL)
    mode = models.CharField(max_length=6, choices=Mode.choices, default=Mode.ANY)
    approvers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="+",
        blank=True,
        verbose_name="default approvers",
        help_text="Take the request when no rule of the step's matrix matches.",
    )
    quorum = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="With “at least a number”: how many approvals complete the step.")
    deadline = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="How long the step may wait, in the organisation's working time.")
    deadline_unit = models.CharField(max_length=13, choices=DeadlineUnit.choices, default=DeadlineUnit.WORKING_DAYS,
                                     blank=True)
    escalation = models.CharField("when the deadline passes", max_length=12, choices=Escalation.choices,
                                  blank=True, default=Escalation.NONE)
    escalate_to = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="escalation contact")
    editable_fields = models.JSONField(
        default=list,
        blank=True,
        help_text="What this step's approvers may change; reviewers may change all of it. Never the total.",
    )

    class Meta:
        ordering = ["workflow", "position"]
        constraints = [
            models.UniqueConstraint(fields=["workflow", "position"], name="one_step_per_position"),
            models.CheckConstraint(condition=~Q(mode="quorum") | Q(quorum__gte=1), name="quorum_step_has_quorum"),
            models.CheckConstraint(condition=Q(escalation="") | (Q(deadline__gte=1) & Q(escalate_to__isnull=False)),
                                   name="escalation_has_deadline_and_contact"),
            models.CheckConstraint(condition=~Q(escalation="hand_over") | Q(mode="any"), name="hand_over_any_steps"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.mode == self.Mode.QUORUM and not self.quorum:
            errors["quorum"] = "Say how many approvals complete the step."
        if self.escalation and not self.deadline:
            errors["deadline"] = "An escalation needs a deadline."
        if self.escalation and not self.escalate_to_id:
            errors["escalate_to"] = "Say who the step escalates to."
        if self.escalation == self.Escalation.HAND_OVER and self.mode != self.Mode.ANY:
            errors["escalation"] = "Only a step that any one approver completes can be handed over."
        if errors:
            raise ValidationError(errors)

    def approvals_needed(self, assigned: int) -> int:
        """How many of `assigned` approvers complete the step."""
        if self.mode == self.Mode.ANY:
            return min(1, assigned)
        if self.mode == self.Mode.QUORUM:
            return min(self.quorum or 1, assigned)
        return assigned

    @property
    def is_review(self) -> bool:
        return self.kind == self.Kind.REVIEW

    def allowed_edits(self) -> set[str]:
        if self.is_review:
            return set(self.EditableField.values)
        return set(self.editable_fields or []) & set(self.EditableField.values)


class MatrixRule(models.Model):
    """One row of a step's approval matrix: its approver, when all its conditions hold.

    Conditions left empty do not apply; several rules for one approver are alternatives.
    Line conditions hold when any line of the request satisfies them."""

    class AmountOperator(models.TextChoices):
        UNDER = "under", "under"
        AT_OR_OVER = "at_or_over", "at or over"
        BETWEEN = "between", "between (upper bound excluded)"

    step = models.ForeignKey(WorkflowStep, on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(max_length=100, blank=True)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Who approves (or reviews) when the rule matches. Empty on an auto-approval step.",
    )  # fmt: skip
    amount_operator = models.CharField("total", max_length=10, choices=AmountOperator.choices, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True,
                                 help_text="In the organisation's base currency: a bill in another currency is "
                                           "compared at the rate recorded on it.")  # fmt: skip
    amount_to = models.DecimalField("up to", max_digits=14, decimal_places=2, null=True, blank=True)
    amount_negated = models.BooleanField("total does not match", default=False)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    supplier_negated = models.BooleanField("supplier does not match", default=False)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requester_negated = models.BooleanField("requester does not match", default=False)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    account_negated = models.BooleanField("account does not match", default=False)
    tracking_option = models.ForeignKey(
        TrackingOption, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tracking_option_negated = models.BooleanField("tracking option does not match", default=False)
    tax_rate = models.ForeignKey(TaxRate, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    tax_rate_negated = models.BooleanField("tax rate does not match", default=False)

    class BudgetCondition(models.TextChoices):
        OVER = "over", "a line is over budget"
        OVER_WITH_OPEN = "over_with_open", "a line is over budget once other open requests are counted"
        NO_BUDGET = "no_budget", "a line's account has no budget"

    budget_condition = models.CharField("budget", max_length=14, choices=BudgetCondition.choices, blank=True,
                                        help_text="Compared with the organisation's budgets for the bill's period.")

    class Meta:
        ordering = ["step", "pk"]

    def __str__(self) -> str:
        return self.describe()

    def conditions(self) -> list[str]:
        """The rule in words, one condition each, for the admin and the audit trail."""

        def phrase(label: str, negated: bool, value) -> str:
            return f"{label} {'is not' if negated else 'is'} {value}"

        parts = []
        if self.amount_operator:
            if self.amount_operator == self.AmountOperator.BETWEEN:
                bound = f"between {self.amount} and {self.amount_to} ({self.amount_to} excluded)"
            else:
                bound = f"{self.get_amount_operator_display()} {self.amount}"
            parts.append(f"total {'is not' if self.amount_negated else 'is'} {bound}")
        if self.supplier_id:
            parts.append(phrase("supplier", self.supplier_negated, self.supplier))
        if self.requester_id:
            parts.append(phrase("requester", self.requester_negated, _person(self.requester)))
        if self.account_id:
            parts.append(phrase("a line's account", self.account_negated, self.account))
        if self.tracking_option_id:
            parts.append(phrase("a line's tracking", self.tracking_option_negated, self.tracking_option))
        if self.tax_rate_id:
            parts.append(phrase("a line's tax rate", self.tax_rate_negated, self.tax_rate))
        if self.budget_condition:
            parts.append(self.get_budget_condition_display())
        return parts

    def describe(self) -> str:
        conditions = " and ".join(self.conditions()) or "always"
        who = f" → {_person(self.approver)}" if self.approver_id else ""
        label = f"“{self.name}”: " if self.name else ""
        return f"{label}{conditions}{who}"


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


class Substitution(models.Model):
    """While `user` is away, `substitute` decides on their behalf."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="substitutions")
    substitute = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="substitution_dates_in_order"),
            models.CheckConstraint(condition=~Q(user=models.F("substitute")), name="substitute_is_someone_else"),
        ]

    def __str__(self) -> str:
        return f"{_person(self.substitute)} for {_person(self.user)}, {self.starts_on} to {self.ends_on}"
