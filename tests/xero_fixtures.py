"""Fixtures for tests that talk to the Xero sandbox over real HTTP (shared by several test folders)."""

import pytest
from django.core.management import call_command

from approvalmax.demo.data import ADMINISTRATOR, PASSWORD, demo_organisation_load
from approvalmax.demo.web_client import WebClient
from xero_integration.models import XeroConnection


def point_xero_at(settings, base_url: str) -> None:
    sandbox = f"{base_url}/sandbox/xero"
    settings.PUBLIC_BASE_URL = base_url
    settings.XERO_AUTHORIZE_URL = f"{sandbox}/identity/connect/authorize"
    settings.XERO_TOKEN_URL = f"{sandbox}/identity/connect/token"
    settings.XERO_REVOKE_URL = f"{sandbox}/identity/connect/revocation"
    settings.XERO_CONNECTIONS_URL = f"{sandbox}/connections"
    settings.XERO_API_URL = f"{sandbox}/api.xro/2.0"
    settings.XERO_CLIENT_ID = "sandbox-client"
    settings.XERO_CLIENT_SECRET = "sandbox-secret"


@pytest.fixture
def xero_sandbox(live_server, settings):
    """The in-project Xero sandbox over real HTTP, with the demo tenant, and the app pointed at it."""
    point_xero_at(settings, live_server.url)
    call_command("xero_sandbox_seed", verbosity=0)
    return live_server


@pytest.fixture
def demo_organisation(transactional_db):
    return demo_organisation_load()


@pytest.fixture
def connected_organisation(xero_sandbox, demo_organisation, django_capture_on_commit_callbacks):
    """The demo organisation connected through the real OAuth flow, its master data synced."""
    from xero_integration.services.sync import master_data_sync

    client = WebClient(xero_sandbox.url)
    client.log_in(ADMINISTRATOR.username, PASSWORD)
    client.connect_xero(demo_organisation.slug)
    assert XeroConnection.objects.filter(organisation=demo_organisation).exists()
    master_data_sync(organisation_id=demo_organisation.pk)
    return demo_organisation
