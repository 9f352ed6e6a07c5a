"""The pages around pulled bills: the request page links to the bill in Xero and shows a change made
there after approval; the connection page sets how bills are pulled and handed back, and pulls now."""

from datetime import timedelta

import pytest
from django.utils import timezone

from workflows.external_changes import CHANGED, request_flag_external_change
from xero_integration import views
from xero_integration.models import XeroConnection

pytestmark = pytest.mark.django_db
XERO_LINK = "https://go.xero.com/organisationlogin/default.aspx?shortcode=!abc&redirecturl=/AccountsPayable/Edit.aspx?InvoiceID=1b2c"


@pytest.fixture
def connection(organisation):
    return XeroConnection.objects.create(
        organisation=organisation, tenant_id="1bbdd14e-19e5-43d6-9cdf-b11388b104be", tenant_name="Demo Trading Ltd",
        access_token="a", refresh_token="r", access_token_expires_at=timezone.now() + timedelta(minutes=30))


def test_a_pulled_bills_page_links_to_it_in_xero(client, approver, create_request, connection):
    request = create_request(source_system="xero", source_reference="1b2c", source_url=XERO_LINK)
    client.force_login(approver)

    page = client.get(f"/requests/{request.public_id}/").content.decode()

    assert "The bill in Xero</a>, pulled from there for approval" in page
    assert "Open the bill in Xero</a>, where it was published for approval" in page
    assert XERO_LINK.replace("&", "&amp;") in page


def test_a_change_made_in_xero_after_approval_shows_field_by_field(client, approver, create_request, connection):
    request = create_request(source_system="xero", source_reference="1b2c", source_url=XERO_LINK)
    request_flag_external_change(request_id=request.pk, system_name="Xero", kind=CHANGED, differences=[
        {"field": "Total", "approved": "54", "now": "<b>540</b>"}, {"field": "Line 1 account", "approved": "429",
                                                                    "now": "453"}])
    client.force_login(approver)

    page = client.get(f"/requests/{request.public_id}/").content.decode()

    assert "Changed in Xero after approval" in page
    assert "<th scope=\"row\">Total</th><td>54</td><td>&lt;b&gt;540&lt;/b&gt;</td>" in page
    assert "<th scope=\"row\">Line 1 account</th><td>429</td><td>453</td>" in page


def test_an_administrator_sets_how_bills_are_pulled_and_handed_back(client, administrator, organisation, connection):
    client.force_login(administrator)
    page = client.get(f"/xero/{organisation.slug}/").content.decode()
    assert "Bills awaiting approval in Xero" in page and "Pull now" in page

    answer = client.post(f"/xero/{organisation.slug}/pull-settings/",
                         {"pull_bills": "on", "rejected_prefix": " REJ- ", "reopen_changed_bills": "on"})

    assert answer.status_code == 302
    connection.refresh_from_db()
    assert (connection.pull_bills, connection.rejected_prefix, connection.reopen_changed_bills) == (True, "REJ-", True)


def test_a_prefix_with_a_space_is_refused_and_changes_nothing(client, administrator, organisation, connection):
    client.force_login(administrator)

    answer = client.post(f"/xero/{organisation.slug}/pull-settings/", {"rejected_prefix": "NOT OK"})

    assert answer.status_code == 400 and "A prefix has no spaces in it." in answer.content.decode()
    connection.refresh_from_db()
    assert (connection.pull_bills, connection.rejected_prefix) == (True, "")


def test_pull_now_queues_a_pull_and_is_refused_when_pulling_is_off(
        client, administrator, organisation, connection, monkeypatch):
    queued = []
    monkeypatch.setattr(views.pull_bills, "delay", lambda organisation_id: queued.append(organisation_id))
    client.force_login(administrator)

    client.post(f"/xero/{organisation.slug}/pull/")
    XeroConnection.objects.filter(pk=connection.pk).update(pull_bills=False)
    answer = client.post(f"/xero/{organisation.slug}/pull/", follow=True)

    assert queued == [organisation.pk]
    assert "Pulling bills from Xero is off" in answer.content.decode()


def test_only_the_organisations_administrators_change_these(client, approver, outsider, organisation, connection):
    # A member who does not administer is refused; someone of another organisation finds nothing.
    for person, status in ((approver, 403), (outsider, 404)):
        client.force_login(person)
        assert client.post(f"/xero/{organisation.slug}/pull-settings/", {"pull_bills": ""}).status_code == status
        assert client.post(f"/xero/{organisation.slug}/pull/").status_code == status
    connection.refresh_from_db()
    assert connection.pull_bills is True


def test_a_revision_started_by_a_change_in_xero_shows_what_changed(client, approver, create_request, master_data,
                                                                   connection):
    from tests.builders import bill_content, pdf_document
    from workflows import services

    request = create_request(source_system="xero", source_reference="1b2c", source_url=XERO_LINK)
    services.request_resubmit(
        request_id=request.pk, document=pdf_document(),
        content=bill_content(master_data, source_system="xero", source_reference="1b2c", source_url=XERO_LINK),
        changes=[{"field": "Line 1 account", "approved": "429", "now": "453"}])
    client.force_login(approver)

    page = client.get(f"/requests/{request.public_id}/").content.decode()

    assert "Changed since revision 1 in Xero: approval started again" in page
    assert "<th scope=\"row\">Line 1 account</th><td>429</td><td>453</td>" in page


def test_a_request_without_changes_at_its_source_shows_none(client, approver, create_request, connection):
    request = create_request()
    client.force_login(approver)

    assert "approval started again" not in client.get(f"/requests/{request.public_id}/").content.decode()
