import base64
import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.utils import timezone

from tests.xero_sandbox.conftest import REDIRECT_URI, SCOPES, Api, csrf_token, pkce_pair
from xero_integration.sandbox.models import AccessToken, Organisation, RefreshToken
from xero_integration.sandbox.oauth import CLIENT_ID, CLIENT_SECRET

pytestmark = pytest.mark.django_db(transaction=True)


def _authorize_params(**overrides) -> dict:
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scope": SCOPES,
        "state": "xyz",
    }
    params.update(overrides)
    return {name: value for name, value in params.items() if value is not None}


def test_consent_then_code_with_pkce_then_connections_then_an_api_call(sandbox, tenant):
    verifier, challenge = pkce_pair()
    page = sandbox.session.get(
        f"{sandbox.base}/identity/connect/authorize",
        params=_authorize_params(code_challenge=challenge, code_challenge_method="S256"),
    )
    assert page.status_code == 200
    assert "ApprovalMax wants access to:" in page.text
    assert "accounting.transactions" in page.text
    assert 'type="checkbox" name="tenant"' in page.text and "Demo Trading Ltd" in page.text
    assert "Allow access" in page.text and "Cancel" in page.text

    form = {
        **_authorize_params(code_challenge=challenge, code_challenge_method="S256"),
        "csrfmiddlewaretoken": csrf_token(page.text),
        "tenant": [str(tenant.organisation_id)],
        "decision": "allow",
    }
    allowed = sandbox.session.post(page.url, data=form, allow_redirects=False)
    assert allowed.status_code == 302
    location = urlsplit(allowed.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT_URI
    query = parse_qs(location.query)
    assert query["state"] == ["xyz"]

    answer = sandbox.exchange(query["code"][0], verifier)
    assert answer.status_code == 200
    body = answer.json()
    assert set(body) == {"id_token", "access_token", "expires_in", "token_type", "refresh_token", "scope"}
    assert body["expires_in"] == 1800 and body["token_type"] == "Bearer"
    assert set(body["scope"].split()) == set(SCOPES.split())
    claims = json.loads(base64.urlsafe_b64decode(body["access_token"].split(".")[1] + "=="))
    assert claims["client_id"] == CLIENT_ID

    connections = requests.get(
        f"{sandbox.base}/connections", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert connections.status_code == 200
    [connection] = connections.json()
    assert connection["tenantId"] == str(tenant.organisation_id)
    assert connection["tenantName"] == "Demo Trading Ltd"
    assert connection["tenantType"] == "ORGANISATION"
    assert connection["authEventId"] == claims["authentication_event_id"]
    assert set(connection) == {
        "id",
        "authEventId",
        "tenantId",
        "tenantType",
        "tenantName",
        "createdDateUtc",
        "updatedDateUtc",
    }

    api = Api(base=sandbox.api, access_token=body["access_token"], tenant_id=connection["tenantId"])
    organisation = api.get("Organisation")
    assert organisation.status_code == 200
    assert organisation.json()["Organisations"][0]["ShortCode"] == "!dEm0x"


def test_the_code_is_single_use_and_needs_the_right_verifier_and_redirect_uri(sandbox, tenant):
    verifier, challenge = pkce_pair()
    code = sandbox.consent(tenant_ids=[str(tenant.organisation_id)], challenge=challenge)
    assert sandbox.exchange(code, "wrong-verifier").json() == {"error": "invalid_grant"}
    assert sandbox.exchange(code, "").status_code == 400
    assert sandbox.exchange(code, verifier, redirect_uri="http://127.0.0.1:9998/xero/callback/").status_code == 400
    assert sandbox.exchange(code, verifier).status_code == 200
    replay = sandbox.exchange(code, verifier)
    assert replay.status_code == 400 and replay.json() == {"error": "invalid_grant"}


def test_a_bad_client_secret_is_invalid_client(sandbox, tenant):
    code = sandbox.consent(tenant_ids=[str(tenant.organisation_id)])
    answer = requests.post(
        sandbox.token_url,
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI},
        auth=(CLIENT_ID, "not-the-secret"),
    )
    assert answer.status_code == 401 and answer.json() == {"error": "invalid_client"}


def test_client_credentials_may_come_in_the_form(sandbox, tenant):
    code = sandbox.consent(tenant_ids=[str(tenant.organisation_id)])
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    assert requests.post(sandbox.token_url, data=form).status_code == 200


def test_cancel_sends_access_denied_back_to_the_client(sandbox, tenant):
    page = sandbox.session.get(f"{sandbox.base}/identity/connect/authorize", params=_authorize_params())
    form = {**_authorize_params(), "csrfmiddlewaretoken": csrf_token(page.text), "decision": "cancel"}
    answer = sandbox.session.post(page.url, data=form, allow_redirects=False)
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query == {"error": ["access_denied"], "state": ["xyz"]}


def test_allowing_without_choosing_an_organisation_asks_again(sandbox, tenant):
    page = sandbox.session.get(f"{sandbox.base}/identity/connect/authorize", params=_authorize_params())
    form = {**_authorize_params(), "csrfmiddlewaretoken": csrf_token(page.text), "decision": "allow"}
    answer = sandbox.session.post(page.url, data=form, allow_redirects=False)
    assert answer.status_code == 200
    assert "Choose at least one organisation" in answer.text


def test_the_consent_form_needs_its_csrf_token(sandbox, tenant):
    sandbox.session.get(f"{sandbox.base}/identity/connect/authorize", params=_authorize_params())
    form = {**_authorize_params(), "decision": "allow", "tenant": [str(tenant.organisation_id)]}
    answer = sandbox.session.post(f"{sandbox.base}/identity/connect/authorize", data=form, allow_redirects=False)
    assert answer.status_code == 403


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"client_id": "someone-else"}, "unauthorized_client"),
        ({"client_id": None}, "unauthorized_client"),
        ({"redirect_uri": "http://evil.example/steal"}, "invalid_request"),
        ({"redirect_uri": None}, "invalid_request"),
        ({"scope": "accounting.everything"}, "invalid_scope"),
        ({"scope": None}, "invalid_scope"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"response_type": None}, "unsupported_response_type"),
        ({"code_challenge": "abc", "code_challenge_method": "plain"}, "invalid_request"),
    ],
)
def test_a_bad_authorize_request_gets_an_error_page_never_a_redirect(sandbox, tenant, overrides, error):
    answer = sandbox.session.get(
        f"{sandbox.base}/identity/connect/authorize", params=_authorize_params(**overrides), allow_redirects=False
    )
    assert answer.status_code == 400
    assert "Location" not in answer.headers
    assert "Xero sandbox" in answer.text and error in answer.text


def test_refresh_rotates_and_the_old_token_works_only_within_the_grace_period(sandbox, tokens, tenant):
    first = sandbox.refresh(tokens["refresh_token"])
    assert first.status_code == 200
    rotated = first.json()
    assert rotated["refresh_token"] != tokens["refresh_token"]
    assert rotated["access_token"] != tokens["access_token"]

    # A lost answer: the old token again, within 30 seconds, gives the same new pair.
    again = sandbox.refresh(tokens["refresh_token"])
    assert again.status_code == 200
    assert again.json()["refresh_token"] == rotated["refresh_token"]
    assert again.json()["access_token"] == rotated["access_token"]

    RefreshToken.objects.filter(rotated_at__isnull=False).update(rotated_at=timezone.now() - timedelta(seconds=31))
    late = sandbox.refresh(tokens["refresh_token"])
    assert late.status_code == 400 and late.json() == {"error": "invalid_grant"}

    newest = sandbox.refresh(rotated["refresh_token"])
    assert newest.status_code == 200
    api = Api(base=sandbox.api, access_token=newest.json()["access_token"], tenant_id=str(tenant.organisation_id))
    assert api.get("Organisation").status_code == 200


def test_revocation_removes_the_connections_and_stops_refreshing(sandbox, tokens, api):
    answer = requests.post(
        f"{sandbox.base}/identity/connect/revocation",
        data={"token": tokens["refresh_token"]},
        auth=(CLIENT_ID, CLIENT_SECRET),
    )
    assert answer.status_code == 200
    connections = requests.get(
        f"{sandbox.base}/connections", headers={"Authorization": f"Bearer {tokens['access_token']}"}
    )
    assert connections.json() == []
    assert sandbox.refresh(tokens["refresh_token"]).json() == {"error": "invalid_grant"}
    assert api.get("Organisation").status_code == 403


def test_revocation_needs_the_client(sandbox, tokens):
    answer = requests.post(
        f"{sandbox.base}/identity/connect/revocation", data={"token": tokens["refresh_token"]}, auth=(CLIENT_ID, "x")
    )
    assert answer.status_code == 401
    assert sandbox.refresh(tokens["refresh_token"]).status_code == 200


def test_deleting_a_connection_disconnects_the_tenant(sandbox, tokens, api):
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    [connection] = requests.get(f"{sandbox.base}/connections", headers=bearer).json()
    assert requests.delete(f"{sandbox.base}/connections/{connection['id']}", headers=bearer).status_code == 204
    assert requests.get(f"{sandbox.base}/connections", headers=bearer).json() == []
    assert api.get("Organisation").status_code == 403
    assert requests.delete(f"{sandbox.base}/connections/{connection['id']}", headers=bearer).status_code == 404


def test_no_refresh_token_without_offline_access(sandbox, tenant):
    answer = sandbox.connect([str(tenant.organisation_id)], scope="accounting.settings.read")
    assert "refresh_token" not in answer and "id_token" not in answer
    assert answer["scope"] == "accounting.settings.read"


def test_a_bad_token_is_unauthorized_in_xeros_words(api):
    api.access_token = "not-a-token"
    answer = api.get("Invoices")
    assert answer.status_code == 401
    body = answer.json()
    assert body["Type"] is None and body["Title"] == "Unauthorized" and body["Status"] == 401
    assert body["Detail"] == "AuthenticationUnsuccessful"
    assert "X-MinLimit-Remaining" not in answer.headers


def test_an_expired_token_is_refused(api, settings):
    AccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    answer = api.get("Organisation")
    assert answer.status_code == 401
    assert answer.json()["Detail"].startswith("TokenExpired")


def test_the_token_lifetime_follows_the_setting(sandbox, tenant, settings):
    settings.XERO_SANDBOX_ACCESS_TOKEN_SECONDS = 5
    answer = sandbox.connect([str(tenant.organisation_id)])
    assert answer["expires_in"] == 5
    row = AccessToken.objects.get()
    assert timedelta(seconds=3) < row.expires_at - timezone.now() <= timedelta(seconds=5)


def test_a_tenant_the_grant_does_not_cover_is_forbidden(api):
    other = Organisation.objects.create(
        name="Other Ltd", short_code="!other", base_currency="GBP", country_code="GB", timezone="GMTSTANDARDTIME"
    )
    api.tenant_id = str(other.organisation_id)
    answer = api.get("Organisation")
    assert answer.status_code == 403
    assert answer.json()["Title"] == "Forbidden"
    api.tenant_id = ""
    assert api.get("Organisation").status_code == 403


def test_a_scope_not_granted_is_refused(sandbox, tenant):
    answer = sandbox.connect([str(tenant.organisation_id)], scope="accounting.settings.read")
    api = Api(base=sandbox.api, access_token=answer["access_token"], tenant_id=str(tenant.organisation_id))
    assert api.get("Accounts").status_code == 200
    refused = api.get("Invoices")
    assert refused.status_code == 401 and refused.json()["Detail"] == "AuthorizationUnsuccessful"


def test_only_registered_redirect_uris_get_a_code(sandbox, tenant):
    """As in Xero: an unregistered redirect URI, even one ending like ours, gets an error page, no code."""
    for uri in ("http://evil.example/xero/callback/", "http://127.0.0.1:9999/xero/callback/?x=1",
                "http://127.0.0.1:9998/xero/callback/"):
        page = sandbox.session.get(f"{sandbox.base}/identity/connect/authorize", params={
            "response_type": "code", "client_id": CLIENT_ID, "redirect_uri": uri, "scope": SCOPES, "state": "s"},
            allow_redirects=False)
        assert page.status_code == 400 and "not registered" in page.text


def test_the_consent_page_and_bill_pages_need_a_logged_in_member(sandbox, tenant):
    anonymous = requests.Session()
    for path in ("/identity/connect/authorize?response_type=code", "/"):
        answer = anonymous.get(f"{sandbox.base}{path}", allow_redirects=False)
        assert answer.status_code == 302 and "/login/" in answer.headers["Location"]
