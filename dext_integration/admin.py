from django.contrib import admin, messages
from django.utils.html import format_html

from approvalmax.core.admin_scope import ScopedModelAdmin
from dext_integration.models import CostItem, DextConnection, MasterDataPush
from dext_integration.selectors import cost_item_status
from workflows.selectors import request_page_url
from dext_integration.services import dext_connection_create, dext_connection_revoke


@admin.register(DextConnection)
class DextConnectionAdmin(ScopedModelAdmin):
    """Keys are issued through the service, shown once, and afterwards only revoked."""

    list_display = ["organisation", "account_name", "key_prefix", "created_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["organisation__name", "account_name", "key_prefix"]
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["organisation", "account_name"]
        return ["organisation", "account_name", "key_prefix", "created_at", "revoked_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        connection, key = dext_connection_create(organisation=obj.organisation, account_name=obj.account_name)
        obj.pk = connection.pk
        obj.key_prefix, obj.key_hash, obj.created_at = connection.key_prefix, connection.key_hash, connection.created_at
        self.message_user(
            request,
            f"The API key for {obj.organisation} is {key} . Copy it now: it is not shown again. "
            "Earlier keys of this organisation no longer work.",
            messages.WARNING,
        )

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request, queryset):
        for connection in queryset:
            dext_connection_revoke(connection_id=connection.pk)
        self.message_user(request, f"{queryset.count()} key(s) revoked.", messages.SUCCESS)


@admin.register(CostItem)
class CostItemAdmin(ScopedModelAdmin):
    list_display = ["dext_id", "organisation", "status", "revision", "request_page", "updated_at"]
    list_filter = ["organisation"]
    search_fields = ["dext_id", "request__supplier_name", "request__invoice_number"]
    list_select_related = ["organisation", "request"]
    fields = ["dext_id", "organisation", "status", "revision", "request_page", "fingerprint", "created_at",
              "updated_at"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Status")
    def status(self, obj: CostItem) -> str:
        return cost_item_status(request=obj.request)

    @admin.display(description="Revision")
    def revision(self, obj: CostItem) -> int:
        return obj.request.revision

    @admin.display(description="Request")
    def request_page(self, obj: CostItem) -> str:
        return format_html('<a href="{}">{}</a>', request_page_url(request=obj.request), obj.request)


@admin.register(MasterDataPush)
class MasterDataPushAdmin(ScopedModelAdmin):
    """What the linked Dext account was last sent; written only by the push."""

    list_display = ["organisation", "name", "pushed_at", "row_count", "current_at", "attempted_at", "error"]
    list_filter = ["name"]
    search_fields = ["organisation__name"]
    list_select_related = ["organisation"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
