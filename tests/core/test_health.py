"""/healthz and /readyz for a load balancer, against the real database, broker and Redis."""

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_a_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_checks_the_database_the_broker_and_redis(client, settings):
    settings.REDIS_URL = settings.REDIS_URL or "redis://127.0.0.1:6379/14"
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"] == {"database": "ok", "broker": "ok", "redis": "ok"}


def test_readyz_is_503_naming_what_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable",
                               "checks": {"database": "ok", "broker": "ok", "redis": "unavailable"}}
