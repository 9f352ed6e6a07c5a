from django.contrib import admin
from django.db import models

from workflows.models import ApprovalRequest, AuditEvent, Decision, RequestDocument, RequestLine, Workflow, WorkflowStep


class WorkflowStepInline(admin.StackedInline):
    model = WorkflowStep
    extra = 0
    fields = ["position", "name", "mode", "approvers"]
    filter_horizontal = ["approvers"]


@admin.register(Workflow)
class WorkflowAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "created_at"]
    list_filter = ["organisation"]
    list_select_related = ["organisation"]
    search_fields = ["name", "organisation__name"]
    inlines = [WorkflowStepInline]


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
    fields = ["revision", "step", "approver", "outcome", "comment", "decided_at"]
    readonly_fields = fields


class AuditEventInline(ReadOnlyInline):
    model = AuditEvent
    fields = ["created_at", "revision", "actor_label", "action", "message"]
    readonly_fields = fields


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(admin.ModelAdmin):
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
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail is append-only: viewable, never added, changed or deleted by hand."""

    list_display = ["created_at", "organisation", "request", "revision", "action", "actor_label"]
    list_filter = ["action", "organisation"]
    list_select_related = ["organisation", "request"]
    search_fields = ["actor_label", "message", "request__invoice_number", "request__supplier_name"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
