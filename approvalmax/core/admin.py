from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group

from approvalmax.core.admin_scope import ScopedModelAdmin, ScopedStackedInline, ScopedTabularInline, superuser_only
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


class MembershipInline(ScopedStackedInline):  # stacked: each field with its label
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(ScopedModelAdmin):
    """Administrators change their own organisations; only a superuser creates or deletes one."""

    list_display = ["name", "slug", "base_currency", "timezone", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class MirroredAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
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


class TrackingOptionInline(ReadOnlyAdminMixin, ScopedTabularInline):
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
class ConfigurationChangeAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    """Part of the organisation's audit chain: viewable, never added, changed or deleted by hand."""

    list_display = ["created_at", "organisation", "actor_label", "via", "action", "subject_label"]
    list_filter = ["action", "via", "subject_type", "organisation"]
    list_select_related = ["organisation"]
    search_fields = ["actor_label", "subject_label"]
    date_hierarchy = "created_at"


class ScopedUserAdmin(ScopedModelAdmin, UserAdmin):
    """People are shown to an administrator when they belong to one of their organisations."""

    def has_add_permission(self, request):
        return request.user.is_superuser


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), ScopedUserAdmin)
for _model in (Group, AccessAttempt, AccessLog, AccessFailureLog):
    superuser_only(_model)
