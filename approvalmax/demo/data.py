"""The demo organisation, its people and its workflow. Idempotent."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from approvalmax.core.models import Membership, Organisation
from workflows.models import WorkflowStep
from workflows.services import workflow_for

PASSWORD = "demo-pass-2026"
QUICKBOOKS_SLUG = "demo-services"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    role: str


ADMINISTRATOR = DemoPerson("admin", "Ada", "Admin", Membership.Role.ADMINISTRATOR)
APPROVERS = [
    DemoPerson("amy", "Amy", "Approver", Membership.Role.APPROVER),
    DemoPerson("ben", "Ben", "Approver", Membership.Role.APPROVER),
]


def _person(organisation: Organisation, person: DemoPerson):
    user, created = get_user_model().objects.get_or_create(
        username=person.username,
        defaults={"first_name": person.first_name, "last_name": person.last_name,
                  "email": f"{person.username}@demo.example", "is_staff": person is ADMINISTRATOR,
                  "is_superuser": person is ADMINISTRATOR},
    )
    if created:
        user.set_password(PASSWORD)
        user.save()
    Membership.objects.get_or_create(organisation=organisation, user=user, defaults={"role": person.role})
    return user


def _organisation_load(slug: str, name: str) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(slug=slug, defaults={"name": name, "base_currency": "GBP"})
    _person(organisation, ADMINISTRATOR)
    approvers = [_person(organisation, person) for person in APPROVERS]
    workflow = workflow_for(organisation=organisation)
    if not workflow.steps.exists():
        step = WorkflowStep.objects.create(workflow=workflow, position=1, name="Approval", mode=WorkflowStep.Mode.ANY)
        step.approvers.set(approvers)
    return organisation


@transaction.atomic
def demo_organisation_load() -> Organisation:
    """The organisation the demo connects to the Xero stand-in."""
    return _organisation_load("demo", "Demo Trading Ltd")


@transaction.atomic
def demo_services_load() -> Organisation:
    """The organisation the demo connects to the QuickBooks Online stand-in."""
    return _organisation_load(QUICKBOOKS_SLUG, "Demo Services Ltd")
