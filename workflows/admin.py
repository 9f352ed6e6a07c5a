from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import format_html_join

from approvalmax.core.admin import ReadOnlyAdminMixin
from approvalmax.core.admin_scope import ScopedModelAdmin, ScopedStackedInline, ScopedTabularInline
from approvalmax.core.models import Account, Membership, Supplier, TaxRate, TrackingCategory, TrackingOption
from workflows import configuration
from workflows.exceptions import InvalidSubstitution
from workflows.models import (
    ApprovalRequest,
    AuditEvent,
    Decision,
    MatrixRule,
    RequestDocument,
    RequestLine,
    Substitution,
    Workflow,
    WorkflowStep,
)


def _members(organisation_id):
    """Who may approve, substitute or request: members, auditors aside (they decide nothing)."""
    auditors = Membership.objects.filter(organisation_id=organisation_id, role=Membership.Role.AUDITOR)
    return get_user_model().objects.filter(memberships__organisation_id=organisation_id).exclude(
        pk__in=auditors.values("user_id")).order_by("username")


class StepForm(forms.ModelForm):
    editable_fields = forms.MultipleChoiceField(
        label="Approvers may edit",
        choices=WorkflowStep.EditableField.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Reviewers may edit all of it. The total can never change.",
    )

    class Meta:
        model = WorkflowStep
        fields = ["position", "name", "kind", "mode", "quorum", "approvers", "editable_fields", "deadline",
                  "deadline_unit", "escalation", "escalate_to"]


class VersionLockMixin:
    """A workflow version that requests run on is history: it is shown, not edited."""

    def _locked(self, obj) -> bool:
        workflow = obj.workflow if isinstance(obj, WorkflowStep) else obj
        return workflow is not None and configuration.workflow_in_use(workflow=workflow)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj is not None and self._locked(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and self._locked(obj))

    def has_add_permission(self, request, obj=None):
        if not isinstance(self, InlineModelAdmin):
            return super().has_add_permission(request)
        return super().has_add_permission(request, obj) and not (obj is not None and self._locked(obj))


# People and categories as checkboxes: each labelled, where the two-box filter widget's icons
# carry ARIA labels axe-core refuses.
CHECKBOXES = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}


class WorkflowStepInline(VersionLockMixin, ScopedStackedInline):
    model = WorkflowStep
    form = StepForm
    extra = 0
    formfield_overrides = CHECKBOXES
    show_change_link = True

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None:
            for name in ("approvers", "escalate_to"):
                if name in formset.form.base_fields:
                    formset.form.base_fields[name].queryset = _members(obj.organisation_id)
        return formset


def _matrix(workflow: Workflow):
    steps = workflow.steps.prefetch_related("rules__approver", "rules__supplier", "rules__account",
                                            "rules__tax_rate", "rules__tracking_option__category",
                                            "rules__requester", "approvers")  # fmt: skip
    rows = []
    for step in steps.order_by("position"):
        defaults = ", ".join(u.get_full_name() or u.get_username() for u in step.approvers.all()) or "none"
        rules = "; ".join(rule.describe() for rule in step.rules.all()) or "no rules"
        rows.append((step.position, step.name, step.get_kind_display(), step.get_mode_display().lower(), rules,
                     defaults))
    return format_html_join(
        "", "<p><strong>{}. {}</strong> ({}, {}): {}. Default: {}.</p>", rows
    ) or "No steps yet."


@admin.register(Workflow)
class WorkflowAdmin(VersionLockMixin, ScopedModelAdmin):
    list_display = ["name", "organisation", "version", "status", "created_by", "created_at"]
    list_filter = ["organisation"]
    list_select_related = ["organisation", "created_by"]
    search_fields = ["name", "organisation__name"]
    formfield_overrides = CHECKBOXES
    readonly_fields = ["version", "status", "created_by", "created_at", "approval_matrix"]
    fields = ["organisation", "name", "version", "status", "requester_may_approve", "approve_all_steps_at_once",
              "required_tracking_categories", "approval_matrix", "created_by", "created_at"]  # fmt: skip
    inlines = [WorkflowStepInline]
    actions = ["new_draft", "publish"]

    @admin.display(description="Status")
    def status(self, obj):
        if obj.is_draft:
            return "Draft: runs nothing until published"
        live = Workflow.objects.filter(organisation_id=obj.organisation_id, is_draft=False).order_by("-version").first()
        return "Live: new requests run on it" if live and live.pk == obj.pk else "Earlier version"

    @admin.display(description="Approval matrix")
    def approval_matrix(self, obj):
        return _matrix(obj) if obj.pk else "Save the workflow, then add steps and their rules."

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None and "required_tracking_categories" in form.base_fields:
            form.base_fields["required_tracking_categories"].queryset = TrackingCategory.objects.filter(
                organisation_id=obj.organisation_id)  # fmt: skip
        return form

    def save_model(self, request, obj, form, change):
        if not change:
            latest = Workflow.objects.filter(organisation=obj.organisation).order_by("-version").first()
            obj.version = latest.version + 1 if latest else 1
            obj.created_by = request.user
            obj.is_draft = latest is not None  # an organisation's first workflow is live at once
        super().save_model(request, obj, form, change)

    @admin.action(description="Make a new draft version (a copy to edit; nothing changes until it is published)")
    def new_draft(self, request, queryset):
        for workflow in queryset:
            copy = configuration.workflow_new_draft(workflow_id=workflow.pk, user=request.user)
            self.message_user(request, f"{copy} is a draft: edit it, then publish it.", messages.SUCCESS)

    @admin.action(description="Publish the draft (new requests run on it; running ones keep theirs)")
    def publish(self, request, queryset):
        for workflow in queryset:
            try:
                live = configuration.workflow_publish(workflow_id=workflow.pk)
            except configuration.CannotPublish as refused:
                self.message_user(request, refused.message, messages.ERROR)
            else:
                self.message_user(request, f"{live} is published: new requests run on it.", messages.SUCCESS)


class MatrixRuleForm(forms.ModelForm):
    class Meta:
        model = MatrixRule
        fields = "__all__"

    def clean(self):
        data = super().clean()
        operator, amount, amount_to = data.get("amount_operator"), data.get("amount"), data.get("amount_to")
        if operator and amount is None:
            self.add_error("amount", "Give the amount the total is compared with.")
        if operator == MatrixRule.AmountOperator.BETWEEN and (amount_to is None or (amount is not None
                                                                                   and amount_to <= amount)):
            self.add_error("amount_to", "Give an upper bound above the amount.")
        step = self.instance.step if self.instance.step_id else None
        if step is not None:
            if step.kind == WorkflowStep.Kind.AUTO_APPROVAL and data.get("approver"):
                self.add_error("approver", "An auto-approval rule approves by itself: leave the approver empty.")
            if step.kind != WorkflowStep.Kind.AUTO_APPROVAL and not data.get("approver"):
                self.add_error("approver", "Name who approves when the rule matches.")
        return data


class MatrixRuleInline(VersionLockMixin, ScopedStackedInline):
    """One rule a block, every field labelled, each condition on a line with its "not"."""

    model = MatrixRule
    form = MatrixRuleForm
    extra = 1
    fieldsets = [
        (None, {"fields": [("name", "approver")]}),
        ("Conditions (all must hold)", {"fields": [
            ("amount_operator", "amount", "amount_to", "amount_negated"), ("supplier", "supplier_negated"),
            ("requester", "requester_negated"), ("account", "account_negated"),
            ("tracking_option", "tracking_option_negated"), ("tax_rate", "tax_rate_negated"), "budget_condition"]}),
    ]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None:
            organisation_id = obj.workflow.organisation_id
            limits = {
                "approver": _members(organisation_id),
                "requester": _members(organisation_id),
                "supplier": Supplier.objects.active().filter(organisation_id=organisation_id),
                "account": Account.objects.active().filter(organisation_id=organisation_id).exclude(type="BANK"),
                "tax_rate": TaxRate.objects.active().filter(organisation_id=organisation_id),
                "tracking_option": TrackingOption.objects.active()
                .filter(category__organisation_id=organisation_id)
                .select_related("category"),
            }
            for name, queryset in limits.items():
                if name in formset.form.base_fields:
                    formset.form.base_fields[name].queryset = queryset
        return formset


@admin.register(WorkflowStep)
class WorkflowStepAdmin(VersionLockMixin, ScopedModelAdmin):
    """A step and its approval matrix: one rule per row, all its conditions must hold."""

    form = StepForm
    list_display = ["__str__", "workflow", "kind", "mode"]
    list_select_related = ["workflow__organisation"]
    list_filter = ["workflow__organisation", "kind"]
    formfield_overrides = CHECKBOXES
    inlines = [MatrixRuleInline]

    def get_fields(self, request, obj=None):
        return ["workflow", *StepForm.Meta.fields]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is not None:
            for name in ("approvers", "escalate_to"):
                if name in form.base_fields:
                    form.base_fields[name].queryset = _members(obj.workflow.organisation_id)
        return form


class SubstitutionAdminForm(forms.ModelForm):
    class Meta:
        model = Substitution
        fields = ["organisation", "user", "substitute", "starts_on", "ends_on"]

    def clean(self):
        data = super().clean()
        if self.instance.pk is None and not self.errors:
            try:
                configuration.substitution_validate(**data)
            except InvalidSubstitution as exc:
                raise ValidationError(exc.message) from exc
        return data


@admin.register(Substitution)
class SubstitutionAdmin(ScopedModelAdmin):
    form = SubstitutionAdminForm
    list_display = ["user", "substitute", "starts_on", "ends_on", "organisation"]
    list_filter = ["organisation"]
    list_select_related = ["user", "substitute", "organisation"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        created = configuration.substitution_create(**{name: getattr(obj, name) for name in form.Meta.fields})
        obj.pk = created.pk


class ReadOnlyInline(ReadOnlyAdminMixin, ScopedTabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


class RequestLineInline(ReadOnlyInline):
    model = RequestLine
    fields = ["revision", "position", "description", "quantity", "unit_amount", "account", "tax_rate",
              "line_amount", "tax_amount"]  # fmt: skip
    readonly_fields = fields


class RequestDocumentInline(ReadOnlyInline):
    model = RequestDocument
    fields = ["revision", "filename", "content_type", "size", "sha256"]
    readonly_fields = fields


class DecisionInline(ReadOnlyInline):
    model = Decision
    fields = ["revision", "step", "approver", "on_behalf_of", "outcome", "forced", "comment", "decided_at",
              "revoked_at"]  # fmt: skip
    readonly_fields = fields


class AuditEventInline(ReadOnlyInline):
    model = AuditEvent
    fields = ["created_at", "revision", "actor_label", "action", "message"]
    readonly_fields = fields


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(ScopedModelAdmin):
    """Requests change only through the workflow services: state is protected, and every
    change must leave its audit row, so the admin shows requests and never edits them."""

    list_display = ["supplier_name", "invoice_number", "organisation", "total", "currency", "state", "revision",
                    "created_at"]  # fmt: skip
    list_filter = ["state", "organisation", "kind"]
    list_select_related = ["organisation"]
    search_fields = ["supplier_name", "invoice_number", "source_reference", "public_id", "external_id"]
    date_hierarchy = "created_at"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [RequestLineInline, RequestDocumentInline, DecisionInline, AuditEventInline]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    """The audit trail is append-only: viewable, never added, changed or deleted by hand."""

    list_display = ["created_at", "organisation", "request", "revision", "action", "actor_label"]
    list_filter = ["action", "organisation"]
    list_select_related = ["organisation", "request"]
    search_fields = ["actor_label", "message", "request__invoice_number", "request__supplier_name"]
    date_hierarchy = "created_at"
