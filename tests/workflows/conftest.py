import pytest

from tests.factories import MembershipFactory
from workflows.signals import request_approved


@pytest.fixture
def bystander(organisation):
    """A member of the organisation who approves nothing."""
    return MembershipFactory(organisation=organisation).user


@pytest.fixture
def approver_client(client, approver):
    """The test client, signed in as the workflow's approver."""
    client.force_login(approver)
    return client


@pytest.fixture
def approvals():
    """The ids of the requests announced approved while the test runs."""
    received = []

    def receiver(sender, request, **kwargs):
        received.append(request.pk)

    request_approved.connect(receiver, weak=False)
    yield received
    request_approved.disconnect(receiver)
