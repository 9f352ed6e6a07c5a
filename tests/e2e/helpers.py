"""What the end-to-end tests share: a real Celery worker on Redis, and waiting for what it does."""

import time
from collections.abc import Iterator
from contextlib import contextmanager

import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from approvalmax.celery import app as celery_app
from tests.conftest import require_service


@contextmanager
def worker_on_redis() -> Iterator[None]:
    """A real worker consuming from Redis (solo pool), with an empty queue to start with."""
    try:
        redis.Redis.from_url(settings.CELERY_BROKER_URL).ping()
    except redis.RedisError as exc:
        require_service("Redis", f"the end-to-end test runs a real Celery worker on it ({exc})")
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30, loglevel="WARNING"):
        yield


def wait_for(predicate, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError("timed out waiting")
