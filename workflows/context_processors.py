from django.db.models import Count

from approvalmax.core.models import Membership
from workflows.models import ApprovalRequest


def publish_failures(request) -> dict:
    """Administrators see, on every page, how many requests of their organisations failed to
    publish and wait for them (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"publish_failures": []}
    administered = Membership.objects.filter(user=user, role=Membership.Role.ADMINISTRATOR).values("organisation_id")
    failures = (ApprovalRequest.objects.filter(organisation_id__in=administered,
                                               state=ApprovalRequest.State.PUBLISH_FAILED)
                .values("organisation__name").annotate(count=Count("pk")).order_by("organisation__name"))
    return {"publish_failures": list(failures)}


WAITING_SHOWN = 99


def waiting(request) -> dict:
    """How many requests wait for the signed-in person's decision, for the navigation (one query,
    counting at most 100)."""
    from workflows.selectors import inbox_for_user

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"waiting_count": 0, "waiting_label": ""}
    count = inbox_for_user(user=user).values("pk")[:WAITING_SHOWN + 1].count()
    return {"waiting_count": count, "waiting_label": f"{WAITING_SHOWN}+" if count > WAITING_SHOWN else str(count)}
