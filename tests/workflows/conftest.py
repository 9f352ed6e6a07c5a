import pytest

from tests.builders import bill_content, pdf_document
from tests.factories import MembershipFactory
from workflows import services
from workflows.models import ApprovalRequest


@pytest.fixture
def create_request(organisation, master_data, workflow):
    """A bill from Dext, submitted to the organisation's workflow."""

    def create(*, document=None, **overrides) -> ApprovalRequest:
        return services.request_create(
            organisation=organisation,
            content=bill_content(master_data, **overrides),
            document=document or pdf_document(),
        )

    return create


@pytest.fixture
def outsider(db):
    """A member of another organisation only."""
    return MembershipFactory().user


@pytest.fixture
def bystander(organisation):
    """A member of the organisation who approves nothing."""
    return MembershipFactory(organisation=organisation).user
