"""Connecting Xero through the real OAuth flow against the sandbox, and the page's guards."""

import pytest
import requests

from approvalmax.demo.data import ADMINISTRATOR, PASSWORD
from approvalmax.demo.web_client import WebClient
from tests.factories import MembershipFactory, OrganisationFactory
from xero_integration.models import XeroConnection


@pytest.mark.django_db(transaction=True)
def test_connecting_stores_encrypted_tokens_and_the_tenant(connected_organisation, settings):
    connection = XeroConnection.objects.get(organisation=connected_organisation)
    assert connection.tenant_name == "Demo Trading Ltd"
    assert connection.short_code
    assert "offline_access" in connection.scopes
    assert connection.last_synced_at is not None
    # The token really works against the sandbox.
    answer = requests.get(f"{settings.XERO_API_URL}/Organisation", timeout=10, headers={
        "Authorization": f"Bearer {connection.access_token}", "xero-tenant-id": str(connection.tenant_id)})
    assert answer.status_code == 200


@pytest.mark.django_db(transaction=True)
def test_the_connection_page_shows_the_tenant_and_scopes(connected_organisation, xero_sandbox):
    admin = WebClient(xero_sandbox.url)
    admin.log_in(ADMINISTRATOR.username, PASSWORD)
    page = admin.session.get(admin.url("/xero/demo/")).text
    assert "Demo Trading Ltd" in page and "accounting.transactions" in page and "Last sync" in page
    assert "<dd>Europe/London</dd>" in page and "GMTSTANDARDTIME" not in page


@pytest.mark.django_db(transaction=True)
def test_disconnecting_revokes_the_grant_at_xero(connected_organisation, xero_sandbox, settings):
    refresh_token = XeroConnection.objects.get(organisation=connected_organisation).refresh_token
    admin = WebClient(xero_sandbox.url)
    admin.log_in(ADMINISTRATOR.username, PASSWORD)

    unconfirmed = admin.session.post(admin.url("/xero/demo/disconnect/"), headers={"Referer": admin.url("/xero/demo/")},
                                     data={"csrfmiddlewaretoken": admin.session.cookies["csrftoken"]})
    assert unconfirmed.status_code == 400 and "Disconnect Xero from Demo Trading Ltd?" in unconfirmed.text
    assert XeroConnection.objects.filter(organisation=connected_organisation).exists()

    admin.post_form(admin.url("/xero/demo/disconnect/"), "/disconnect/")

    assert not XeroConnection.objects.filter(organisation=connected_organisation).exists()
    refused = requests.post(settings.XERO_TOKEN_URL, auth=("sandbox-client", "sandbox-secret"), timeout=10,
                            data={"grant_type": "refresh_token", "refresh_token": refresh_token})
    assert refused.status_code == 400


@pytest.mark.django_db(transaction=True)
def test_a_callback_with_a_forged_state_connects_nothing(xero_sandbox, demo_organisation):
    admin = WebClient(xero_sandbox.url)
    admin.log_in(ADMINISTRATOR.username, PASSWORD)
    answer = admin.session.get(admin.url("/xero/callback/?code=stolen&state=forged"))
    assert answer.status_code == 400
    assert not XeroConnection.objects.exists()


def test_approvers_may_not_manage_the_connection(client, organisation, approver):
    client.force_login(approver)
    assert client.get(f"/xero/{organisation.slug}/").status_code == 403
    assert client.post(f"/xero/{organisation.slug}/connect/").status_code == 403


def test_another_organisations_connection_page_is_not_found(client, db):
    other = OrganisationFactory()
    outsider = MembershipFactory(role="administrator").user
    client.force_login(outsider)
    assert client.get(f"/xero/{other.slug}/").status_code == 404
    assert client.post(f"/xero/{other.slug}/connect/").status_code == 404


def test_connect_redirects_to_xero_with_state_and_pkce(client, organisation, administrator, settings):
    settings.PUBLIC_BASE_URL = "https://approvals.example.com"  # the registered callback, whatever the Host
    client.force_login(administrator)
    answer = client.post(f"/xero/{organisation.slug}/connect/")
    assert answer.status_code == 302
    location = answer["Location"]
    assert location.startswith(settings.XERO_AUTHORIZE_URL)
    for part in ("code_challenge_method=S256", "code_challenge=", "state=", "scope=offline_access",
                 "redirect_uri=https%3A%2F%2Fapprovals.example.com%2Fxero%2Fcallback%2F"):
        assert part in location




@pytest.mark.django_db(transaction=True)
def test_with_several_organisations_granted_the_administrator_chooses_one(xero_sandbox, demo_organisation):
    from xero_integration.sandbox.models import Connection as SandboxConnection
    from xero_integration.sandbox.models import Organisation as SandboxOrganisation

    other = SandboxOrganisation.objects.create(name="Other Holdings Ltd", short_code="!0th3r", base_currency="GBP",
                                               country_code="GB", timezone="GMTSTANDARDTIME")
    demo = SandboxOrganisation.objects.get(name="Demo Trading Ltd")
    admin = WebClient(xero_sandbox.url)
    admin.log_in(ADMINISTRATOR.username, PASSWORD)

    choice = admin.connect_xero(demo_organisation.slug)

    assert "Choose the Xero organisation" in choice.text
    assert "Other Holdings Ltd" in choice.text and "Demo Trading Ltd" in choice.text
    assert not XeroConnection.objects.exists()
    answer = admin.post_form(choice.url, "/choose/", {"tenant": str(demo.organisation_id)})
    assert answer.status_code == 200 and "Connected to Demo Trading Ltd" in answer.text
    connection = XeroConnection.objects.get(organisation=demo_organisation)
    assert str(connection.tenant_id) == str(demo.organisation_id)
    # The organisation not chosen is disconnected at Xero.
    assert not SandboxConnection.objects.filter(organisation=other).exists()
    assert SandboxConnection.objects.filter(organisation=demo).exists()
