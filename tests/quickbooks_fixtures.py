"""Fixtures for tests that talk to the QuickBooks Online stand-in over real HTTP (shared by several test folders)."""

import pytest

from approvalmax.demo.data import ADMINISTRATOR, PASSWORD
from approvalmax.demo.web_client import WebClient
from quickbooks_integration.models import QuickBooksConnection
from quickbooks_integration.sandbox.seed import company_seed


def point_quickbooks_at(settings, base_url: str) -> None:
    sandbox = f"{base_url}/sandbox/quickbooks"
    settings.PUBLIC_BASE_URL = base_url
    settings.QBO_AUTHORIZE_URL = f"{sandbox}/connect/oauth2"
    settings.QBO_TOKEN_URL = f"{sandbox}/oauth2/v1/tokens/bearer"
    settings.QBO_REVOKE_URL = f"{sandbox}/v2/oauth2/tokens/revoke"
    settings.QBO_API_URL = sandbox
    settings.QBO_APP_URL = sandbox
    settings.QBO_CLIENT_ID = "qbo-sandbox-client"
    settings.QBO_CLIENT_SECRET = "qbo-sandbox-secret"


@pytest.fixture
def qbo_sandbox(live_server, settings):
    point_quickbooks_at(settings, live_server.url)
    # Calls here come faster than QBO's 10 a second; the stand-in's limit has tests of its own.
    settings.QBO_SANDBOX_CALLS_PER_SECOND = 1000
    company_seed()
    return live_server


@pytest.fixture
def quickbooks_admin(qbo_sandbox, demo_organisation):
    client = WebClient(qbo_sandbox.url)
    client.log_in(ADMINISTRATOR.username, PASSWORD)
    yield client
    client.session.close()


@pytest.fixture
def quickbooks_connected(quickbooks_admin, demo_organisation, django_capture_on_commit_callbacks):
    """The demo organisation connected to the stand-in's company through the real OAuth flow."""
    with django_capture_on_commit_callbacks():
        quickbooks_admin.connect_quickbooks(demo_organisation.slug)
    return QuickBooksConnection.objects.get(organisation=demo_organisation)
