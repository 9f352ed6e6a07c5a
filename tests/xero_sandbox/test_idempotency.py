import pytest

from tests.xero_sandbox.conftest import Api, bill, line
from xero_integration.sandbox.models import Invoice, Organisation
from xero_integration.sandbox.seed import seed_demo_tenant

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_replay_gets_the_first_answer_and_creates_nothing(api):
    key = {"Idempotency-Key": "bill-42-attempt"}
    first = api.put("Invoices", {"Invoices": [bill()]}, headers=key, summarizeErrors="false")
    replay = api.put("Invoices", {"Invoices": [bill()]}, headers=key, summarizeErrors="false")
    assert first.status_code == replay.status_code == 200
    assert replay.content == first.content
    assert Invoice.objects.count() == 1


def test_a_replayed_failure_is_the_same_failure(api):
    key = {"Idempotency-Key": "bad-bill"}
    body = {"Invoices": [bill(), bill(LineItems=[line(AccountCode="123")])]}
    first = api.put("Invoices", body, headers=key)
    replay = api.put("Invoices", body, headers=key)
    assert first.status_code == replay.status_code == 400
    assert replay.json() == first.json()
    assert Invoice.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(api):
    key = {"Idempotency-Key": "reused"}
    assert api.put("Invoices", {"Invoices": [bill()]}, headers=key).status_code == 200
    other = api.put("Invoices", {"Invoices": [bill(InvoiceNumber="OTHER")]}, headers=key)
    assert other.status_code == 400
    assert Invoice.objects.count() == 1


def test_without_a_key_a_retry_makes_a_duplicate(api):
    api.put("Invoices", {"Invoices": [bill()]})
    api.put("Invoices", {"Invoices": [bill()]})
    assert Invoice.objects.count() == 2


def test_a_key_longer_than_128_characters_is_refused(api):
    answer = api.put("Invoices", {"Invoices": [bill()]}, headers={"Idempotency-Key": "k" * 129})
    assert answer.status_code == 400
    assert Invoice.objects.count() == 0
    assert api.put("Invoices", {"Invoices": [bill()]}, headers={"Idempotency-Key": "k" * 128}).status_code == 200


def test_after_the_window_a_replay_runs_anew(api, settings):
    settings.XERO_SANDBOX_IDEMPOTENCY_SECONDS = 0
    key = {"Idempotency-Key": "short-window"}
    api.put("Invoices", {"Invoices": [bill()]}, headers=key)
    api.put("Invoices", {"Invoices": [bill()]}, headers=key)
    assert Invoice.objects.count() == 2


def test_replays_count_against_the_limits(api):
    key = {"Idempotency-Key": "counted"}
    first = api.put("Invoices", {"Invoices": [bill()]}, headers=key)
    replay = api.put("Invoices", {"Invoices": [bill()]}, headers=key)
    assert int(replay.headers["X-DayLimit-Remaining"]) == int(first.headers["X-DayLimit-Remaining"]) - 1


def test_keys_belong_to_one_tenant(sandbox, tenant):
    # A second organisation with the same chart: seed again once the first has another short code.
    Organisation.objects.filter(pk=tenant.pk).update(short_code="!first")
    twin = seed_demo_tenant()
    tokens = sandbox.connect([str(tenant.organisation_id), str(twin.organisation_id)])
    key = {"Idempotency-Key": "shared-key"}
    first = Api(base=sandbox.api, access_token=tokens["access_token"], tenant_id=str(tenant.organisation_id))
    second = Api(base=sandbox.api, access_token=tokens["access_token"], tenant_id=str(twin.organisation_id))
    assert first.put("Invoices", {"Invoices": [bill()]}, headers=key).status_code == 200
    assert second.put("Invoices", {"Invoices": [bill()]}, headers=key).status_code == 200
    assert Invoice.objects.filter(organisation=tenant).count() == 1
    assert Invoice.objects.filter(organisation=twin).count() == 1
