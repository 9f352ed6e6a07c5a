from django.contrib import admin

from approvalmax.core.models import (
    Account,
    ConfigurationChange,
    Membership,
    Organisation,
    Supplier,
    TaxRate,
    TrackingCategory,
    TrackingOption,
)


class ReadOnlyAdminMixin:
    """Shown in the admin, never added, changed or deleted there."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "base_currency", "timezone", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


class MirroredAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Master data is the accounting system's: it changes only through a sync, so the admin only shows it."""

    list_filter = ["status", "organisation"]
    list_select_related = ["organisation"]


@admin.register(Supplier)
class SupplierAdmin(MirroredAdmin):
    list_display = ["name", "organisation", "is_supplier", "email", "status", "updated_at"]
    list_filter = ["status", "is_supplier", "organisation"]
    search_fields = ["name", "email", "external_id"]


@admin.register(Account)
class AccountAdmin(MirroredAdmin):
    list_display = ["code", "name", "type", "tax_type", "organisation", "status", "updated_at"]
    list_filter = ["status", "type", "organisation"]
    search_fields = ["code", "name", "bank_account_number"]


@admin.register(TaxRate)
class TaxRateAdmin(MirroredAdmin):
    list_display = ["name", "tax_type", "effective_rate", "organisation", "status", "updated_at"]
    search_fields = ["name", "tax_type"]


class TrackingOptionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TrackingOption
    fields = ["name", "status", "external_id", "updated_at"]
    readonly_fields = fields
    extra = 0


@admin.register(TrackingCategory)
class TrackingCategoryAdmin(MirroredAdmin):
    list_display = ["name", "organisation", "status", "updated_at"]
    search_fields = ["name", "options__name"]
    inlines = [TrackingOptionInline]


@admin.register(ConfigurationChange)
class ConfigurationChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Part of the organisation's audit chain: viewable, never added, changed or deleted by hand."""

    list_display = ["created_at", "organisation", "actor_label", "via", "action", "subject_label"]
    list_filter = ["action", "via", "subject_type", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["actor_label", "subject_label"]
    date_hierarchy = "created_at"
