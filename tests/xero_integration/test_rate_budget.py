"""The per-tenant call budget shared by every process: in Redis, or in the database without it."""

import os
import threading
import uuid
from datetime import timedelta

import pytest
import redis
from django.utils import timezone

from tests.conftest import require_service
from xero_integration.exceptions import XeroRateLimited
from xero_integration.ratebudget import TenantBudget

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(params=["redis", "database"])
def backend(request, settings):
    """Both stores; windows of about 17 hours, so that none ends in the middle of a test."""
    settings.XERO_RATE_TIME_SCALE = 1000
    settings.XERO_RATE_MAX_WAIT = 0
    # Xero counts the app's limit per client id: a fresh one, so no earlier test's calls count.
    settings.XERO_CLIENT_ID = f"budget-test-{uuid.uuid4()}"
    if request.param == "database":
        settings.REDIS_URL = ""
        return request.param
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/13"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError as exc:
        require_service("Redis", f"the shared rate budget lives in it ({exc})")
    settings.REDIS_URL = url
    return request.param


def _budget() -> TenantBudget:
    return TenantBudget(tenant_id=uuid.uuid4())


def _spend(budget: TenantBudget, calls: int) -> None:
    for _ in range(calls):
        with budget.call():
            pass


def test_the_minute_limit_refuses_the_next_call(backend, settings):
    settings.XERO_CALLS_PER_MINUTE = 3
    budget = _budget()
    _spend(budget, 3)

    with pytest.raises(XeroRateLimited) as refused:
        _spend(budget, 1)
    assert refused.value.problem == "minute"


def test_the_budget_is_shared_by_every_client_of_the_tenant(backend, settings):
    settings.XERO_CALLS_PER_MINUTE = 4
    tenant = uuid.uuid4()
    _spend(TenantBudget(tenant_id=tenant), 2)
    _spend(TenantBudget(tenant_id=tenant), 2)

    with pytest.raises(XeroRateLimited):
        _spend(TenantBudget(tenant_id=tenant), 1)
    _spend(TenantBudget(tenant_id=uuid.uuid4()), 1)


def test_the_apps_minute_limit_is_shared_by_every_tenant(backend, settings):
    settings.XERO_APP_CALLS_PER_MINUTE = 5
    _spend(_budget(), 3)
    _spend(_budget(), 2)

    with pytest.raises(XeroRateLimited) as refused:
        _spend(_budget(), 1)
    assert refused.value.problem == "app_minute"
    assert "across organisations" in str(refused.value)


def test_another_app_has_its_own_minute_limit(backend, settings):
    settings.XERO_APP_CALLS_PER_MINUTE = 2
    _spend(_budget(), 2)
    settings.XERO_CLIENT_ID = f"another-app-{uuid.uuid4()}"

    _spend(_budget(), 2)


def test_a_tenant_over_its_own_limit_takes_nothing_from_the_app(backend, settings):
    settings.XERO_APP_CALLS_PER_MINUTE = 3
    settings.XERO_CALLS_PER_MINUTE = 2
    full = _budget()
    _spend(full, 2)
    for _ in range(3):
        with pytest.raises(XeroRateLimited):
            _spend(full, 1)

    _spend(_budget(), 1)


def test_a_day_breach_is_refused_even_when_waiting_is_allowed(backend, settings):
    settings.XERO_CALLS_PER_DAY = 2
    settings.XERO_RATE_MAX_WAIT = 3600
    budget = _budget()
    _spend(budget, 2)

    with pytest.raises(XeroRateLimited) as refused:
        _spend(budget, 1)
    assert refused.value.problem == "day"
    assert refused.value.retry_after > 3600


def test_calls_in_flight_are_limited_and_released(backend, settings):
    settings.XERO_MAX_CONCURRENT = 1
    budget = _budget()
    with budget.call(), pytest.raises(XeroRateLimited) as refused:
        _spend(budget, 1)
    assert refused.value.problem == "concurrent"
    _spend(budget, 1)


def test_a_call_waits_for_a_slot_when_waiting_is_short(backend, settings):
    settings.XERO_MAX_CONCURRENT = 1
    settings.XERO_RATE_MAX_WAIT = 1
    budget = _budget()
    holding, done = threading.Event(), []

    def hold():
        with budget.call():
            holding.set()
            threading.Event().wait(0.2)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait()
    _spend(budget, 1)
    done.append(True)
    holder.join()
    assert done == [True]


def test_xeros_429_pauses_the_tenant_for_every_client(backend, connected_organisation_row):
    tenant, connection = connected_organisation_row
    TenantBudget(tenant_id=tenant, connection_id=connection.pk).refused(retry_after=3600, problem="day")

    with pytest.raises(XeroRateLimited) as refused:
        _spend(TenantBudget(tenant_id=tenant, connection_id=connection.pk), 1)
    assert refused.value.problem == "day"
    connection.refresh_from_db()
    assert connection.paused_until > timezone.now() + timedelta(minutes=59)


@pytest.fixture
def connected_organisation_row():
    from tests.factories import OrganisationFactory
    from xero_integration.models import XeroConnection

    tenant = uuid.uuid4()
    connection = XeroConnection.objects.create(
        organisation=OrganisationFactory(), tenant_id=tenant, tenant_name="T", access_token="a", refresh_token="r",
        access_token_expires_at=timezone.now() + timedelta(minutes=30))
    return tenant, connection
