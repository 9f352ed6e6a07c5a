"""Factories for the shared domain: an organisation with the demo chart of accounts."""

import uuid
from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from approvalmax.core.models import (
    Account,
    Membership,
    Organisation,
    Supplier,
    TaxRate,
    TrackingCategory,
    TrackingOption,
)
from workflows.models import Workflow, WorkflowStep


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = "Person"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def persist(self, create, extracted, **kwargs):
        if create:
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.APPROVER


def xero_connection(organisation: Organisation, **overrides):
    """A connection to a Xero tenant, as if an administrator had connected it."""
    from xero_integration.models import XeroConnection

    values = {"tenant_id": uuid.uuid4(), "tenant_name": "Demo Trading Ltd", "access_token": "a",
              "refresh_token": "r", "access_token_expires_at": timezone.now() + timedelta(minutes=30)}
    return XeroConnection.objects.create(organisation=organisation, **{**values, **overrides})


def chart_of_accounts(organisation: Organisation) -> dict:
    """The master data most tests code their bills with, as if synced from Xero."""
    general = Account.objects.create(organisation=organisation, external_id=str(uuid.uuid4()), code="429",
                                     name="General Expenses", type="EXPENSE", tax_type="INPUT2")
    office = Account.objects.create(organisation=organisation, external_id=str(uuid.uuid4()), code="453",
                                    name="Office Expenses", type="EXPENSE", tax_type="INPUT2")
    bank = Account.objects.create(organisation=organisation, external_id=str(uuid.uuid4()), code="090",
                                  name="Business Bank Account", type="BANK", bank_account_number="12345678")
    archived = Account.objects.create(organisation=organisation, external_id=str(uuid.uuid4()), code="999",
                                      name="Old Account", type="EXPENSE", status="ARCHIVED")
    input2 = TaxRate.objects.create(organisation=organisation, tax_type="INPUT2", name="20% (VAT on Expenses)",
                                    effective_rate=Decimal("20.0000"))
    none = TaxRate.objects.create(organisation=organisation, tax_type="NONE", name="No VAT",
                                  effective_rate=Decimal("0"))
    region = TrackingCategory.objects.create(organisation=organisation, external_id=str(uuid.uuid4()),
                                             name="Region")
    north = TrackingOption.objects.create(category=region, external_id=str(uuid.uuid4()), name="North")
    south = TrackingOption.objects.create(category=region, external_id=str(uuid.uuid4()), name="South")
    supplier = Supplier.objects.create(organisation=organisation, external_id=str(uuid.uuid4()),
                                       name="Acme Supplies Ltd", is_supplier=True)
    return {"general": general, "office": office, "bank": bank, "archived": archived, "input2": input2,
            "none": none, "region": region, "north": north, "south": south, "supplier": supplier}


def one_step_workflow(organisation: Organisation, approvers: list, mode: str = WorkflowStep.Mode.ANY) -> Workflow:
    workflow, _ = Workflow.objects.get_or_create(organisation=organisation)
    step = WorkflowStep.objects.create(workflow=workflow, position=1, name="Approval", mode=mode)
    step.approvers.set(approvers)
    return workflow
