import pytest

from tests.factories import MembershipFactory


@pytest.fixture
def bystander(organisation):
    """A member of the organisation who approves nothing."""
    return MembershipFactory(organisation=organisation).user
