"""The QuickBooks Online stand-in over real HTTP: a live server, `requests`, and the OAuth dance
done as a client would."""

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from quickbooks_integration.sandbox.oauth import CLIENT_ID, CLIENT_SECRET
from quickbooks_integration.sandbox.seed import company_seed
from tests.xero_sandbox.conftest import member_session

SCOPE = "com.intuit.quickbooks.accounting"
REDIRECT_URI = "http://127.0.0.1:9999/quickbooks/callback/"


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@dataclass
class Sandbox:
    base: str
    session: requests.Session = field(default_factory=requests.Session)

    @property
    def token_url(self) -> str:
        return f"{self.base}/oauth2/v1/tokens/bearer"

    def consent(self, *, realm_id: str, state: str = "st-123") -> dict:
        """Open the consent page, choose the company, connect: answers the redirect's query."""
        params = {"client_id": CLIENT_ID, "response_type": "code", "scope": SCOPE, "redirect_uri": REDIRECT_URI,
                  "state": state}
        page = self.session.get(f"{self.base}/connect/oauth2", params=params)
        assert page.status_code == 200, page.text
        answer = self.session.post(page.url, data={**params, "csrfmiddlewaretoken": csrf_token(page.text),
                                                   "decision": "allow", "realm": realm_id}, allow_redirects=False)
        assert answer.status_code == 302, answer.text
        return {name: values[0] for name, values in parse_qs(urlsplit(answer.headers["Location"]).query).items()}

    def token(self, **form) -> requests.Response:
        return requests.post(self.token_url, data=form, auth=(CLIENT_ID, CLIENT_SECRET))

    def connect(self, realm_id: str) -> dict:
        query = self.consent(realm_id=realm_id)
        answer = self.token(grant_type="authorization_code", code=query["code"], redirect_uri=REDIRECT_URI)
        assert answer.status_code == 200, answer.text
        return answer.json()


@dataclass
class Api:
    """Accounting API calls for one realm with one access token, as QBO_FACTS.md says to make them."""

    base: str
    access_token: str
    realm_id: str

    def url(self, path: str) -> str:
        return f"{self.base}/v3/company/{self.realm_id}/{path}"

    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.access_token}", "Accept": "application/json"}

    def get(self, path: str, **params) -> requests.Response:
        return requests.get(self.url(path), headers=self.headers(), params={"minorversion": "75", **params})

    def post(self, path: str, json=None, **params) -> requests.Response:
        return requests.post(self.url(path), headers=self.headers(), json=json,
                             params={"minorversion": "75", **params})

    def query(self, statement: str) -> requests.Response:
        return self.get("query", query=statement)

    def ids(self, entity: str, where: str) -> list[str]:
        return [row["Id"] for row in self.query(f"select * from {entity} where {where}").json()
                ["QueryResponse"].get(entity, [])]


@pytest.fixture
def sandbox(live_server, transactional_db, settings):
    settings.QBO_SANDBOX_REDIRECT_URIS = [REDIRECT_URI]  # registered for the app, as on Intuit's portal
    # These tests call faster than QBO's 10 a second; the limit has a test of its own.
    settings.QBO_SANDBOX_CALLS_PER_SECOND = 1000
    client = Sandbox(base=f"{live_server.url}/sandbox/quickbooks")
    member_session(client.session)
    yield client
    client.session.close()


@pytest.fixture
def company(transactional_db):
    return company_seed()[0]


@pytest.fixture
def api(sandbox, company) -> Api:
    return Api(base=sandbox.base, access_token=sandbox.connect(company.realm_id)["access_token"],
               realm_id=company.realm_id)


def bill(api: Api, **overrides) -> dict:
    """A bill as the project sends one: 45.00 of office expenses at 20% VAT, for the Consulting class."""
    data = {
        "VendorRef": {"value": api.ids("Vendor", "DisplayName = 'Acme Supplies Ltd'")[0]},
        "DocNumber": "INV-4411", "TxnDate": "2026-11-02", "DueDate": "2026-12-02",
        "CurrencyRef": {"value": "GBP"}, "GlobalTaxCalculation": "TaxExcluded",
        "PrivateNote": "ApprovalMax request https://approvals.example/requests/1/",
        "Line": [{"Description": "Printer paper", "Amount": "45.00", "DetailType": "AccountBasedExpenseLineDetail",
                  "AccountBasedExpenseLineDetail": {
                      "AccountRef": {"value": api.ids("Account", "AcctNum = '429'")[0]},
                      "TaxCodeRef": {"value": api.ids("TaxCode", "Name = '20.0% S'")[0]},
                      "ClassRef": {"value": api.ids("Class", "Name = 'Consulting'")[0]}}}],
    }
    data.update(overrides)
    return data
