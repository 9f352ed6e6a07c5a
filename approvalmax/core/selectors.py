from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from approvalmax.core.models import Membership, Organisation


def organisations_for_user(*, user: AbstractBaseUser) -> QuerySet[Organisation]:
    return Organisation.objects.filter(memberships__user=user).order_by("name")


def is_administrator(*, user: AbstractBaseUser, organisation: Organisation) -> bool:
    return Membership.objects.filter(
        organisation=organisation, user=user, role=Membership.Role.ADMINISTRATOR
    ).exists()
