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


def test_connecting_keeps_the_company_its_realm_and_encrypted_tokens(connected, web, demo_organisation):
    assert (connected.company_name, connected.realm_id, connected.home_currency) == (
        "Demo Services Ltd", "9341453050478362", "GBP")
    assert connected.refresh_token_expires_at - timezone.now() > timedelta(days=99)
    with database.cursor() as cursor:
        cursor.execute("SELECT access_token, refresh_token FROM quickbooks_integration_quickbooksconnection")
        stored = cursor.fetchone()
    assert connected.access_token not in stored and connected.refresh_token not in stored

    page = web.session.get(web.url(f"/quickbooks/{demo_organisation.slug}/")).text
    assert "Demo Services Ltd" in page and "9341453050478362" in page and "Connection lasts until" in page
    assert "Reconnect soon" not in page


def test_the_page_warns_weeks_before_intuit_ends_the_connection(connected, web, demo_organisation):
    QuickBooksConnection.objects.update(refresh_token_expires_at=timezone.now() + timedelta(days=20))

    page = web.session.get(web.url(f"/quickbooks/{demo_organisation.slug}/")).text

    assert "Reconnect soon" in page


def test_an_answer_that_was_not_asked_for_is_refused(web, demo_organisation):
    answer = web.session.get(web.url("/quickbooks/callback/?code=x&state=forged&realmId=9341453050478362"))

    assert answer.status_code == 400 and "did not match a connection started here" in answer.text
    assert not QuickBooksConnection.objects.exists()


def test_an_organisation_connected_to_xero_cannot_connect_quickbooks_too(web, demo_organisation):
    xero_connection(demo_organisation)

    page = web.post_form(web.url(f"/quickbooks/{demo_organisation.slug}/"), "/connect/")

    assert "one accounting system at a time" in page.text and "/sandbox/quickbooks/" not in page.url
    assert not QuickBooksConnection.objects.exists()


def test_disconnecting_revokes_the_grant_at_intuit(connected, web, demo_organisation):
    page = web.post_form(web.url(f"/quickbooks/{demo_organisation.slug}/"), "/disconnect/")

    assert "QuickBooks Online is disconnected." in page.text
    assert not QuickBooksConnection.objects.exists()
    assert Grant.objects.get().revoked_at is not None


def test_refreshes_are_serialised_and_the_newest_refresh_token_is_kept(connected):
    used = connected.access_token
    answers = []

    def refresh():
        answers.append(quickbooks_refresh(connection_pk=connected.pk, token_in_use=used)[0])
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
    assert kept.refresh_token != connected.refresh_token


def test_a_token_qbo_calls_expired_is_refreshed_once_and_the_call_made_again(connected):
    client, _ = accounting_for(organisation_id=connected.organisation_id)
    AccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    assert client.company_info()["CompanyName"] == "Demo Services Ltd"
    assert QuickBooksConnection.objects.get().access_token != connected.access_token


def test_a_refused_refresh_marks_the_connection_for_reconnecting(connected):
    Grant.objects.update(revoked_at=timezone.now())
    QuickBooksConnection.objects.update(access_token_expires_at=timezone.now())

    with pytest.raises(Exception):
        accounting_for(organisation_id=connected.organisation_id)

    kept = QuickBooksConnection.objects.get()
    assert kept.status == QuickBooksConnection.Status.NEEDS_RECONNECTING and "reconnect" in kept.problem

