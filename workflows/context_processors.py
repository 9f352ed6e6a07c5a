from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, Subquery

from approvalmax.core.models import Membership
from approvalmax.core.selectors import memberships_of
from approvalmax.notifications.selectors import unread
from workflows.models import ApprovalRequest


def publish_failures(request) -> dict:
    """Administrators see, on every page, how many requests of their organisations failed to
    publish and wait for them (one query, and none for those who administer nothing)."""
    if getattr(request, "user", None) is None:
        return {"publish_failures": []}
    administered = [m.organisation_id for m in memberships_of(request) if m.role == Membership.Role.ADMINISTRATOR]
    if not administered:
        return {"publish_failures": []}
    failures = (ApprovalRequest.objects.filter(organisation_id__in=administered,
                                               state=ApprovalRequest.State.PUBLISH_FAILED)
                .values("organisation__name").annotate(count=Count("pk")).order_by("organisation__name"))
    return {"publish_failures": list(failures)}


WAITING_SHOWN = 99


class Counted(Subquery):
    """How many rows a queryset has, as a column of another query."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


def navigation_counts(request) -> dict:
    """The navigation's badges, in one query: how many requests wait for the signed-in person's
    decision (counting at most 100) and how many of their notifications are unread. The inbox
    page, which counts what waits for its own list, leaves its count on the request
    (`waiting_counted`), and then only the notifications are counted here."""
    from workflows.selectors import awaiting_user

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"waiting_count": 0, "waiting_label": "", "unread_notifications": 0}
    counted = getattr(request, "waiting_counted", None)
    # Unordered, both: the models' newest-first ordering would sort every row only to count them.
    unread_rows = Counted(unread(user=user).order_by().values("pk"))
    if counted is None:
        inbox = awaiting_user(user=user, memberships=memberships_of(request)).order_by().values("pk")
        counts = get_user_model().objects.filter(pk=user.pk).values(
            waiting=Counted(inbox[:WAITING_SHOWN + 1]), unread=unread_rows).get()
    else:
        counts = {"waiting": counted, **get_user_model().objects.filter(pk=user.pk).values(unread=unread_rows).get()}
    waiting = counts["waiting"] or 0  # NULL when they decide in no organisation (an empty IN)
    return {"waiting_count": waiting, "waiting_label": f"{WAITING_SHOWN}+" if waiting > WAITING_SHOWN else str(waiting),
            "unread_notifications": counts["unread"]}
