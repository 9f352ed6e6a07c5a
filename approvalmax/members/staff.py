"""Organisation administrators edit their workflows, substitutes and members in the Django admin,
which shows them only their organisations (approvalmax/core/admin_scope.py). Being an
administrator of some organisation is what gives that access: staff status and the
"Organisation administrators" group's permissions follow the person's memberships, whichever page
or admin changed them."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

GROUP = "Organisation administrators"
# What an organisation's administrator edits, and what they only read, in the admin.
EDITS = {"workflows": ["workflow", "workflowstep", "matrixrule", "substitution"], "core": ["membership"]}
READS = {"workflows": ["approvalrequest", "auditevent"],
         "core": ["organisation", "supplier", "account", "taxrate", "trackingcategory", "trackingoption",
                  "configurationchange"]}


def administrators_group() -> Group:
    group, created = Group.objects.get_or_create(name=GROUP)
    if created:
        wanted = Q()
        for app, models in EDITS.items():
            wanted |= Q(content_type__app_label=app, content_type__model__in=models)
        for app, models in READS.items():
            wanted |= Q(content_type__app_label=app, content_type__model__in=models, codename__startswith="view_")
        group.permissions.set(Permission.objects.filter(wanted))
    return group


def admin_access_follow(user) -> None:
    """Staff and the group while the person administers some organisation; neither once they do not
    (a superuser keeps what they have)."""
    from approvalmax.core.models import Membership

    administers = Membership.objects.filter(user=user, role=Membership.Role.ADMINISTRATOR).exists()
    group = administrators_group()
    if administers:
        user.groups.add(group)
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
    else:
        user.groups.remove(group)
        if user.is_staff and not user.is_superuser:
            user.is_staff = False
            user.save(update_fields=["is_staff"])


def membership_changed(sender, instance, **kwargs) -> None:
    from django.contrib.auth import get_user_model

    if kwargs.get("raw"):
        return
    user = get_user_model().objects.filter(pk=instance.user_id).first()  # gone when the person was deleted
    if user is not None:
        admin_access_follow(user)
