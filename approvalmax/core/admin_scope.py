"""The Django admin, scoped to the organisations a staff user administers.

A superuser sees everything. Any other staff user sees, chooses among and changes only rows of
organisations where they are an administrator: list pages, change pages, actions, foreign-key and
many-to-many choices, and inlines alike. Another organisation's row answers 404, as it does on
our pages and in the API. Admins of models that belong to no organisation (groups, login records)
are for superusers only."""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

from approvalmax.core.models import Membership, Organisation

# Forward links followed, in order, to find a model's organisation.
_LINKS = ("organisation", "workflow", "step", "category", "request", "connection")


def organisation_path(model: type[Model], depth: int = 0) -> str | None:
    """The lookup from `model` to its organisation's id, or None when it belongs to none."""
    if model is Organisation:
        return "pk"
    if model is get_user_model():
        return "memberships__organisation"
    if depth > 3:
        return None
    for name in _LINKS:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if field.many_to_one or field.one_to_one:
            if field.related_model is Organisation:
                return name
            rest = organisation_path(field.related_model, depth + 1)
            if rest is not None:
                return f"{name}__{rest}" if rest != "pk" else name
    return None


def administered_ids(request) -> list[int] | None:
    """The organisations the user administers; None for a superuser, who sees them all."""
    if request.user.is_superuser:
        return None
    if not hasattr(request, "_administered_organisation_ids"):
        request._administered_organisation_ids = list(Membership.objects.filter(
            user=request.user, role=Membership.Role.ADMINISTRATOR).values_list("organisation_id", flat=True))
    return request._administered_organisation_ids


def scoped(queryset: QuerySet, request) -> QuerySet:
    ids = administered_ids(request)
    if ids is None:
        return queryset
    path = organisation_path(queryset.model)
    if path is None:
        return queryset.none()
    lookup = "pk__in" if path == "pk" else f"{path}__in"
    inside = queryset.model._default_manager.filter(**{lookup: ids}).values("pk")
    return queryset.filter(pk__in=inside)


class ScopedMixin:
    """For ModelAdmins and inlines alike."""

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = scoped(field.queryset, request)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = scoped(field.queryset, request)
        return field


class ScopedRelatedFilter(admin.RelatedFieldListFilter):
    """A list filter on a related model (an organisation, a workflow) offering only the rows the
    user may see: its choices would otherwise name every organisation."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        visible = scoped(field.related_model._default_manager.all(), request).values("pk")
        return field.get_choices(include_blank=False, ordering=ordering, limit_choices_to={"pk__in": visible})


class ScopedModelAdmin(ScopedMixin, admin.ModelAdmin):
    def get_list_filter(self, request):
        """Filters on relations list only what the user may see."""
        filters = super().get_list_filter(request)
        if administered_ids(request) is None:
            return filters
        return [(name, ScopedRelatedFilter)
                if isinstance(name, str) and get_fields_from_path(self.model, name)[-1].is_relation else name
                for name in filters]

    def get_object(self, request, object_id, from_field=None):
        found = super().get_object(request, object_id, from_field)
        if found is None and administered_ids(request) is not None:
            raise Http404("There is nothing here.")
        return found


class ScopedTabularInline(ScopedMixin, admin.TabularInline):
    pass


class ScopedStackedInline(ScopedMixin, admin.StackedInline):
    pass


class SuperuserOnlyMixin:
    """Rows of no organisation: only a superuser may see them."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


def superuser_only(model: type[Model]) -> None:
    """Re-register a third party's admin of `model` for superusers only."""
    current = type(admin.site._registry[model])
    admin.site.unregister(model)
    admin.site.register(model, type(f"SuperuserOnly{current.__name__}", (SuperuserOnlyMixin, current), {}))
