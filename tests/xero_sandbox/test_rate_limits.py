from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from tests.conftest import require_service
from xero_integration.sandbox.models import InFlightCall

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def steady_clock(settings):
    """Minutes of about 17 hours, so that no window ends in the middle of a test that counts calls."""
    settings.XERO_SANDBOX_TIME_SCALE = 1000


def test_every_answer_carries_the_remaining_budget(api, steady_clock):
    first = api.get("Organisation")
    second = api.get("Accounts")
    assert int(first.headers["X-MinLimit-Remaining"]) == 59
    assert int(second.headers["X-MinLimit-Remaining"]) == 58
    assert int(second.headers["X-DayLimit-Remaining"]) == 4998
    assert int(second.headers["X-AppMinLimit-Remaining"]) == 9998
    assert "X-MinLimit-Remaining" in api.get("Invoices/9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d").headers


def test_over_the_minute_limit_is_a_429_with_retry_after(api, settings, steady_clock):
    settings.XERO_SANDBOX_CALLS_PER_MINUTE = 3
    for _ in range(3):
        assert api.get("Organisation").status_code == 200
    refused = api.get("Organisation")
    assert refused.status_code == 429
    assert refused.headers["X-Rate-Limit-Problem"] == "minute"
    assert refused.headers["X-MinLimit-Remaining"] == "0"
    assert refused.json()["Status"] == 429


def test_retry_after_is_the_rest_of_the_minute(api, settings):
    settings.XERO_SANDBOX_CALLS_PER_MINUTE = 1
    # A minute may turn between two calls; within three calls one is refused all the same.
    refused = next(answer for answer in (api.get("Organisation") for _ in range(3)) if answer.status_code == 429)
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_over_the_day_limit_says_day(api, settings):
    settings.XERO_SANDBOX_CALLS_PER_DAY = 2
    api.get("Organisation")
    api.get("Organisation")
    refused = api.get("Organisation")
    assert refused.status_code == 429
    assert refused.headers["X-Rate-Limit-Problem"] == "day"
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.headers["X-DayLimit-Remaining"] == "0"


def test_too_many_calls_in_flight_is_concurrent(api, tenant, settings, steady_clock):
    settings.XERO_SANDBOX_MAX_CONCURRENT = 2
    InFlightCall.objects.bulk_create(InFlightCall(organisation=tenant, started_at=timezone.now()) for _ in range(2))
    refused = api.get("Organisation")
    assert refused.status_code == 429
    assert refused.headers["X-Rate-Limit-Problem"] == "concurrent"
    InFlightCall.objects.all().delete()
    assert api.get("Organisation").status_code == 200
    assert InFlightCall.objects.count() == 0


def test_the_count_holds_across_threads(api, settings, steady_clock):
    if connection.vendor == "sqlite":
        require_service("PostgreSQL", "SQLite's in-memory test database refuses concurrent writers")
    settings.XERO_SANDBOX_CALLS_PER_MINUTE = 10
    settings.XERO_SANDBOX_MAX_CONCURRENT = 100
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(pool.map(lambda _: api.get("Organisation").status_code, range(16)))
    assert statuses.count(200) == 10 and statuses.count(429) == 6


def test_the_time_scale_shortens_the_windows(api, settings):
    settings.XERO_SANDBOX_CALLS_PER_MINUTE = 1
    settings.XERO_SANDBOX_TIME_SCALE = 0.05
    refused = next(answer for answer in (api.get("Organisation") for _ in range(3)) if answer.status_code == 429)
    assert int(refused.headers["Retry-After"]) <= 3


def test_unauthenticated_calls_do_not_count(api, settings, steady_clock):
    settings.XERO_SANDBOX_CALLS_PER_MINUTE = 1
    token = api.access_token
    api.access_token = "wrong"
    assert api.get("Organisation").status_code == 401
    api.access_token = token
    assert api.get("Organisation").status_code == 200
