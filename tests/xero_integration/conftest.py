import pytest

from tests.xero_integration.pulled_bills import SandboxWriter
from xero_integration.services.pulling import bills_pull


@pytest.fixture
def xero(settings, connected_organisation):
    """The organisation's tenant in the Xero sandbox, changed through its API as Dext or a person would."""
    return SandboxWriter(settings, connected_organisation)


@pytest.fixture
def pull(connected_organisation, django_capture_on_commit_callbacks):
    """One pull of the organisation's bills, as the webhook's or beat's task runs it."""
    def run():
        with django_capture_on_commit_callbacks(execute=False):
            return bills_pull(organisation_id=connected_organisation.pk)
    return run
