"""The Xero sandbox over real HTTP: a live server, `requests`, and the OAuth dance done as a client would."""

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from xero_integration.sandbox.oauth import CLIENT_ID, CLIENT_SECRET
from xero_integration.sandbox.seed import seed_demo_tenant

SCOPES = (
    "openid offline_access accounting.transactions accounting.contacts accounting.settings.read accounting.attachments"
    " accounting.budgets.read"
)
REDIRECT_URI = "http://127.0.0.1:9999/xero/callback/"


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@dataclass
class Sandbox:
    """A client of the sandbox, like the project's own Xero client: base URLs and a session."""

    base: str
    session: requests.Session = field(default_factory=requests.Session)

    @property
    def token_url(self) -> str:
        return f"{self.base}/identity/connect/token"

    @property
    def api(self) -> str:
        return f"{self.base}/api.xro/2.0"

    def consent(self, *, tenant_ids: list[str], scope: str = SCOPES, state: str = "st-123", challenge: str = "") -> str:
        """Open the consent page, tick the organisations, allow; answers the code from the redirect."""
        params = {
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT_URI,
            "scope": scope,
            "state": state,
        }
        if challenge:
            params.update(code_challenge=challenge, code_challenge_method="S256")
        page = self.session.get(f"{self.base}/identity/connect/authorize", params=params)
        assert page.status_code == 200, page.text
        form = {**params, "csrfmiddlewaretoken": csrf_token(page.text), "decision": "allow", "tenant": tenant_ids}
        answer = self.session.post(page.url, data=form, allow_redirects=False)
        assert answer.status_code == 302, answer.text
        location = urlsplit(answer.headers["Location"])
        query = parse_qs(location.query)
        assert query["state"] == [state]
        return query["code"][0]

    def exchange(self, code: str, verifier: str = "", redirect_uri: str = REDIRECT_URI) -> requests.Response:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        if verifier:
            form["code_verifier"] = verifier
        return requests.post(self.token_url, data=form, auth=(CLIENT_ID, CLIENT_SECRET))

    def refresh(self, refresh_token: str) -> requests.Response:
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        return requests.post(self.token_url, data=form, auth=(CLIENT_ID, CLIENT_SECRET))

    def connect(self, tenant_ids: list[str], scope: str = SCOPES) -> dict:
        verifier, challenge = pkce_pair()
        answer = self.exchange(self.consent(tenant_ids=tenant_ids, scope=scope, challenge=challenge), verifier)
        assert answer.status_code == 200, answer.text
        return answer.json()


@dataclass
class Api:
    """Accounting API calls for one tenant with one access token."""

    base: str
    access_token: str
    tenant_id: str

    def headers(self, extra: dict | None = None) -> dict:
        return {
            "Authorization": f"Bearer {self.access_token}",
            "xero-tenant-id": self.tenant_id,
            "Accept": "application/json",
            **(extra or {}),
        }

    def get(self, path: str, *, headers: dict | None = None, **params) -> requests.Response:
        return requests.get(f"{self.base}/{path}", headers=self.headers(headers), params=params)

    def put(self, path: str, json=None, *, headers: dict | None = None, data=None, **params) -> requests.Response:
        return requests.put(f"{self.base}/{path}", headers=self.headers(headers), json=json, data=data, params=params)

    def post(self, path: str, json=None, *, headers: dict | None = None, data=None, **params) -> requests.Response:
        return requests.post(f"{self.base}/{path}", headers=self.headers(headers), json=json, data=data, params=params)


def member_session(session: requests.Session) -> None:
    """Log `session` in as a member of an organisation: the stand-ins' pages are for members only."""
    from django.test import Client

    from tests.factories import MembershipFactory

    browser = Client()
    browser.force_login(MembershipFactory().user)
    session.cookies.set("sessionid", browser.cookies["sessionid"].value)


@pytest.fixture
def sandbox(live_server, transactional_db, settings):
    settings.XERO_SANDBOX_REDIRECT_URIS = [REDIRECT_URI]  # registered for the app, as in Xero's portal
    client = Sandbox(base=f"{live_server.url}/sandbox/xero")
    member_session(client.session)
    yield client
    # A kept-alive connection would hold a server thread past the live server's database.
    client.session.close()


@pytest.fixture
def tenant(transactional_db):
    return seed_demo_tenant()


@pytest.fixture
def tokens(sandbox, tenant) -> dict:
    return sandbox.connect([str(tenant.organisation_id)])


@pytest.fixture
def api(sandbox, tenant, tokens) -> Api:
    return Api(base=sandbox.api, access_token=tokens["access_token"], tenant_id=str(tenant.organisation_id))


def bill(**overrides) -> dict:
    """An ACCPAY bill as the project sends one: 10 × 4.50 of paper at 20% VAT, tracked to North."""
    data = {
        "Type": "ACCPAY",
        "Contact": {"Name": "Acme Supplies Ltd"},
        "InvoiceNumber": "INV-4411",
        "Date": "2026-11-02",
        "DueDate": "2026-12-02",
        "LineAmountTypes": "Exclusive",
        "Status": "AUTHORISED",
        "LineItems": [
            {
                "Description": "Printer paper",
                "Quantity": "10",
                "UnitAmount": "4.50",
                "AccountCode": "429",
                "TaxType": "INPUT2",
                "Tracking": [{"Name": "Region", "Option": "North"}],
            }
        ],
    }
    data.update(overrides)
    return data


def line(**overrides) -> dict:
    data = {"Description": "Item", "Quantity": 1, "UnitAmount": 10, "AccountCode": "429", "TaxType": "INPUT2"}
    data.update(overrides)
    return data
