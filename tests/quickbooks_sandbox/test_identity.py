"""Intuit's OAuth 2.0 as the stand-in plays it: consent for members, registered redirect URIs,
the realm in the callback, rotating refresh tokens, and revocation."""

from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from quickbooks_integration.sandbox.models import Grant, RefreshToken
from quickbooks_integration.sandbox.oauth import CLIENT_ID, CLIENT_SECRET
from tests.quickbooks_sandbox.conftest import REDIRECT_URI, SCOPE, Api

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_consent_page_needs_a_logged_in_member(sandbox, company):
    anonymous = requests.get(f"{sandbox.base}/connect/oauth2", params={"client_id": CLIENT_ID}, allow_redirects=False)

    assert anonymous.status_code == 302 and "/login/" in anonymous.headers["Location"]


@pytest.mark.parametrize("overrides, says", [
    ({"redirect_uri": "https://evil.example/quickbooks/callback/"}, "redirect_uri"),
    ({"client_id": "someone-else"}, "client_id"),
    ({"scope": "openid"}, "com.intuit.quickbooks.accounting"),
    ({"state": ""}, "state"),
])
def test_a_bad_authorize_request_is_shown_not_redirected(sandbox, company, overrides, says):
    params = {"client_id": CLIENT_ID, "response_type": "code", "scope": SCOPE, "redirect_uri": REDIRECT_URI,
              "state": "s", **overrides}

    page = sandbox.session.get(f"{sandbox.base}/connect/oauth2", params=params, allow_redirects=False)

    assert page.status_code == 400 and says in page.text


def test_the_callback_carries_code_state_and_realm_and_the_token_answers_qbos_fields(sandbox, company):
    query = sandbox.consent(realm_id=company.realm_id, state="abc")
    assert (query["state"], query["realmId"]) == ("abc", company.realm_id)

    answer = sandbox.token(grant_type="authorization_code", code=query["code"], redirect_uri=REDIRECT_URI).json()

    assert answer["token_type"] == "bearer" and answer["expires_in"] == 3600
    assert 86400 * 99 < answer["x_refresh_token_expires_in"] <= 86400 * 100
    again = sandbox.token(grant_type="authorization_code", code=query["code"], redirect_uri=REDIRECT_URI)
    assert again.status_code == 400 and again.json() == {"error": "invalid_grant"}


def test_the_client_authenticates_by_http_basic_only(sandbox, company):
    query = sandbox.consent(realm_id=company.realm_id)
    form = {"grant_type": "authorization_code", "code": query["code"], "redirect_uri": REDIRECT_URI,
            "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}

    assert requests.post(sandbox.token_url, data=form).status_code == 401


def test_a_refresh_rotates_and_the_replaced_token_dies_after_its_grace(sandbox, company):
    first = sandbox.connect(company.realm_id)
    second = sandbox.token(grant_type="refresh_token", refresh_token=first["refresh_token"]).json()
    assert second["refresh_token"] != first["refresh_token"]
    # A retry within the grace period gets the same answer; after it, the old token is refused.
    assert sandbox.token(grant_type="refresh_token", refresh_token=first["refresh_token"]).json() == second
    RefreshToken.objects.exclude(rotated_at=None).update(rotated_at=timezone.now() - timedelta(minutes=5))

    late = sandbox.token(grant_type="refresh_token", refresh_token=first["refresh_token"])

    assert late.status_code == 400 and late.json() == {"error": "invalid_grant"}
    assert sandbox.token(grant_type="refresh_token", refresh_token=second["refresh_token"]).status_code == 200


def test_the_hard_expiry_caps_the_refresh_tokens_life(sandbox, company):
    tokens = sandbox.connect(company.realm_id)
    Grant.objects.update(hard_expires_at=timezone.now() + timedelta(days=3))

    answer = sandbox.token(grant_type="refresh_token", refresh_token=tokens["refresh_token"]).json()

    assert answer["x_refresh_token_expires_in"] <= 3 * 86400
    Grant.objects.update(hard_expires_at=timezone.now() - timedelta(seconds=1))
    assert sandbox.token(grant_type="refresh_token", refresh_token=answer["refresh_token"]).status_code == 400


def test_revoking_ends_the_grant(sandbox, company):
    tokens = sandbox.connect(company.realm_id)
    api = Api(sandbox.base, tokens["access_token"], company.realm_id)
    assert api.get(f"companyinfo/{company.realm_id}").status_code == 200

    revoked = requests.post(f"{sandbox.base}/v2/oauth2/tokens/revoke", json={"token": tokens["refresh_token"]},
                            auth=(CLIENT_ID, CLIENT_SECRET))

    assert revoked.status_code == 200
    refused = api.get(f"companyinfo/{company.realm_id}")
    assert refused.status_code == 401 and refused.json()["fault"]["error"][0]["code"] == "3200"
    assert sandbox.token(grant_type="refresh_token", refresh_token=tokens["refresh_token"]).status_code == 400
