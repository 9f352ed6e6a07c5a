"""Connecting an organisation to QuickBooks Online: the OAuth flow with state and realmId, tokens
encrypted at rest, refreshes serialised and the newest refresh token kept, revocation on
disconnect, and one accounting system at a time."""

import threading
from datetime import timedelta

import pytest
from django.db import connection as database
from django.utils import timezone

from quickbooks_integration.models import QuickBooksConnection
from quickbooks_integration.sandbox.models import AccessToken, Grant, RefreshToken
from quickbooks_integration.services.connection import accounting_for, quickbooks_refresh
from tests.factories import xero_connection

pytestmark = pytest.mark.django_db(transaction=True)


def test_connecting_keeps_the_company_its_realm_and_encrypted_tokens(quickbooks_connected, quickbooks_admin,
                                                                     demo_organisation):
    connection = quickbooks_connected
    assert (connection.company_name, connection.realm_id, connection.home_currency) == (
        "Demo Services Ltd", "9341453050478362", "GBP")
    assert quickbooks_connected.refresh_token_expires_at - timezone.now() > timedelta(days=99)
    with database.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM quickbooks_integration_quickbooksconnection")
        stored = cursor.fetchone()
    assert quickbooks_connected.access_token not in stored and quickbooks_connected.refresh_token not in stored

    page = quickbooks_admin.session.get(quickbooks_admin.url(f"/quickbooks/{demo_organisation.slug}/")).text
    assert "Demo Services Ltd" in page and "9341453050478362" in page and "Connection lasts until" in page
    assert "Reconnect soon" not in page


def test_the_page_warns_weeks_before_intuit_ends_the_connection(quickbooks_connected, quickbooks_admin,
                                                                demo_organisation):
    QuickBooksConnection.objects.update(refresh_token_expires_at=timezone.now() + timedelta(days=20))

    page = quickbooks_admin.session.get(quickbooks_admin.url(f"/quickbooks/{demo_organisation.slug}/")).text

    assert "Reconnect soon" in page


def test_an_answer_that_was_not_asked_for_is_refused(quickbooks_admin, demo_organisation):
    forged = "/quickbooks/callback/?code=x&state=forged&realmId=9341453050478362"
    answer = quickbooks_admin.session.get(quickbooks_admin.url(forged))

    assert answer.status_code == 400 and "did not match a connection started here" in answer.text
    assert not QuickBooksConnection.objects.exists()


def test_an_organisation_connected_to_xero_cannot_connect_quickbooks_too(quickbooks_admin, demo_organisation):
    xero_connection(demo_organisation)

    page = quickbooks_admin.post_form(quickbooks_admin.url(f"/quickbooks/{demo_organisation.slug}/"), "/connect/")

    assert "one accounting system at a time" in page.text and "/sandbox/quickbooks/" not in page.url
    assert not QuickBooksConnection.objects.exists()


def test_disconnecting_revokes_the_grant_at_intuit(quickbooks_connected, quickbooks_admin, demo_organisation):
    page = quickbooks_admin.post_form(quickbooks_admin.url(f"/quickbooks/{demo_organisation.slug}/disconnect/"),
                                      "/disconnect/")

    assert "QuickBooks Online is disconnected." in page.text
    assert not QuickBooksConnection.objects.exists()
    assert Grant.objects.get().revoked_at is not None


def test_refreshes_are_serialised_and_the_newest_refresh_token_is_kept(quickbooks_connected):
    used = quickbooks_connected.access_token
    answers = []

    def refresh():
        answers.append(quickbooks_refresh(connection_pk=quickbooks_connected.pk, token_in_use=used)[0])
        database.close()

    threads = [threading.Thread(target=refresh) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(set(answers)) == 1 and used not in answers
    assert RefreshToken.objects.exclude(rotated_at=None).count() == 1
    kept = QuickBooksConnection.objects.get()
    assert RefreshToken.objects.get(rotated_at=None).token_hash != RefreshToken.objects.exclude(
        rotated_at=None).get().token_hash
    # The newest refresh token works; the one it replaced is no longer what the connection holds.
    assert kept.refresh_token != quickbooks_connected.refresh_token


def test_a_token_qbo_calls_expired_is_refreshed_once_and_the_call_made_again(quickbooks_connected):
    client, _ = accounting_for(organisation_id=quickbooks_connected.organisation_id)
    AccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert client.company_info()["CompanyName"] == "Demo Services Ltd"
    assert QuickBooksConnection.objects.get().access_token != quickbooks_connected.access_token


def test_a_refused_refresh_marks_the_connection_for_reconnecting(quickbooks_connected):
    Grant.objects.update(revoked_at=timezone.now())
    QuickBooksConnection.objects.update(access_token_expires_at=timezone.now())

    with pytest.raises(Exception):
        accounting_for(organisation_id=quickbooks_connected.organisation_id)

    kept = QuickBooksConnection.objects.get()
    assert kept.status == QuickBooksConnection.Status.NEEDS_RECONNECTING and "reconnect" in kept.problem
    from approvalmax.notifications.models import Notification

    told = Notification.objects.filter(kind="administration", mandatory=True).values_list("subject", flat=True)
    assert list(told) and all(subject.endswith("QuickBooks Online needs reconnecting") for subject in told)



def test_an_organisation_connected_to_quickbooks_cannot_connect_xero_too(quickbooks_connected, quickbooks_admin,
                                                                         demo_organisation):
    page = quickbooks_admin.post_form(quickbooks_admin.url(f"/xero/{demo_organisation.slug}/"), "/connect/")

    assert "connected to QuickBooks Online" in page.text and "/sandbox/xero/" not in page.url
