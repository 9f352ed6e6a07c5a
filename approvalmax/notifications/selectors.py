from django.db.models import QuerySet

from approvalmax.core.models import Membership
from approvalmax.notifications.models import Notification, Preference

PAGE = 50


def unread(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, read_at__isnull=True)


def notifications_page(*, user, before: int | None = None) -> list[Notification]:
    """The newest first, a page at a time, by keyset: the page costs the same at any depth."""
    rows = Notification.objects.filter(recipient=user).select_related("organisation")
    if before:
        rows = rows.filter(pk__lt=before)
    return list(rows.order_by("-pk")[:PAGE + 1])


def preferences_for(*, user) -> list[tuple[Membership, Preference | None]]:
    memberships = Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")
    chosen = {p.organisation_id: p for p in Preference.objects.filter(user=user)}
    return [(m, chosen.get(m.organisation_id)) for m in memberships]
