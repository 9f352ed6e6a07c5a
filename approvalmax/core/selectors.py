from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from approvalmax.core.models import Membership, Organisation


def organisations_for_user(*, user: AbstractBaseUser) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def memberships_of(request) -> list[Membership]:
    """The signed-in person's memberships with their organisations, by organisation name, read once
    a request however many parts of the page ask (the navigation, the page's own checks)."""
    if not hasattr(request, "_memberships"):
        user = request.user
        request._memberships = list(
            Membership.objects.filter(user=user).select_related("organisation").order_by("organisation__name")
        ) if user.is_authenticated else []  # fmt: skip
    return request._memberships


def role_in(request, organisation_id: int) -> str:
    """The signed-in person's role in the organisation ("" when not a member), from `memberships_of`."""
    return next((m.role for m in memberships_of(request) if m.organisation_id == organisation_id), "")


def is_administrator(*, user: AbstractBaseUser, organisation: Organisation) -> bool:
    return Membership.objects.filter(
        organisation=organisation, user=user, role=Membership.Role.ADMINISTRATOR
    ).exists()


def organisation_for_administrator(*, user: AbstractBaseUser, slug: str, manages: str) -> Organisation:
    """For an organisation's settings pages: non-members get 404 (the organisation's existence is
    not theirs to know), members who are not administrators 403 naming what they may not manage."""
    membership = Membership.objects.select_related("organisation").filter(user=user, organisation__slug=slug).first()
    if membership is None:
        raise Http404
    if membership.role != Membership.Role.ADMINISTRATOR:
        raise PermissionDenied(f"Only the organisation's administrators manage {manages}.")
    return membership.organisation


def organisations_at_sync_hour(rows, *, now: datetime) -> list[int]:
    """Of (organisation id, time zone) pairs, those whose local time is within MASTER_DATA_SYNC_HOUR."""
    due = []
    for organisation_id, zone in rows:
        try:
            local = now.astimezone(ZoneInfo(zone))
        except (ZoneInfoNotFoundError, ValueError):
            local = now
        if local.hour == settings.MASTER_DATA_SYNC_HOUR:
            due.append(organisation_id)
    return due
