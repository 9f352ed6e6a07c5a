"""The shared lock: a holder that dies must not keep it, and a live holder keeps it past its lease."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import redis
from django.conf import settings as django_settings

from approvalmax.core import locks
from approvalmax.core.locks import LockTimeout, exclusive, is_held
from tests.conftest import require_service

HOLD_AND_WAIT = """
import sys, time, django
django.setup()
from approvalmax.core.locks import exclusive
with exclusive(sys.argv[1], timeout=5):
    print("held", flush=True)
    time.sleep(600)
"""


@pytest.fixture
def redis_locks(settings):
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/14"
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as exc:
        require_service("Redis", f"the lock's lease lives there ({exc})")
    settings.REDIS_URL = url
    settings.LOCK_LEASE_SECONDS = 1.5
    return url


def _holder(name: str, url: str) -> subprocess.Popen:
    env = {**os.environ, "REDIS_URL": url, "LOCK_LEASE_SECONDS": "1.5",
           "DJANGO_SETTINGS_MODULE": "approvalmax.settings.test"}
    process = subprocess.Popen([sys.executable, "-c", HOLD_AND_WAIT, name], env=env, stdout=subprocess.PIPE,
                               cwd=django_settings.BASE_DIR, start_new_session=True, text=True)
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_live_holder_keeps_its_lock_past_the_lease(redis_locks):
    holder = _holder("test-live-holder", redis_locks)
    try:
        time.sleep(4)  # more than two leases: only the heartbeat keeps it
        assert is_held("test-live-holder")
    finally:
        os.killpg(holder.pid, signal.SIGKILL)
        holder.wait()


def test_a_killed_holders_lock_lapses_within_its_lease(redis_locks):
    holder = _holder("test-killed-holder", redis_locks)
    os.killpg(holder.pid, signal.SIGKILL)
    holder.wait()
    assert is_held("test-killed-holder")

    deadline = time.monotonic() + 5
    while is_held("test-killed-holder") and time.monotonic() < deadline:
        time.sleep(0.1)

    assert not is_held("test-killed-holder")
    with exclusive("test-killed-holder", timeout=1):
        assert is_held("test-killed-holder")
    assert not is_held("test-killed-holder")


@pytest.fixture
def advisory_holder(transactional_db, settings):
    """Without Redis: starts a process that holds the named PostgreSQL advisory lock until killed."""
    from django.db import connection

    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "advisory locks are PostgreSQL's")
    settings.REDIS_URL = ""
    env = {**os.environ, "REDIS_URL": "", "DJANGO_SETTINGS_MODULE": "approvalmax.settings.test",
           "DATABASE_URL": _database_url(connection.settings_dict)}
    started = []

    def start(name: str) -> subprocess.Popen:
        holder = subprocess.Popen([sys.executable, "-c", HOLD_AND_WAIT, name], env=env, stdout=subprocess.PIPE,
                                  cwd=django_settings.BASE_DIR, start_new_session=True, text=True)
        started.append(holder)
        assert holder.stdout.readline().strip() == "held"
        return holder

    yield start
    for holder in started:
        if holder.poll() is None:
            os.killpg(holder.pid, signal.SIGKILL)
            holder.wait()


def test_without_redis_a_killed_holders_advisory_lock_goes_with_its_connection(advisory_holder):
    holder = advisory_holder("test-advisory")
    assert is_held("test-advisory")
    os.killpg(holder.pid, signal.SIGKILL)
    holder.wait()
    deadline = time.monotonic() + 5
    while is_held("test-advisory") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not is_held("test-advisory")


def _outcome_of_waiting(lock) -> list:
    """What waiting on `lock` (a context manager) came to within 10 seconds: ["timeout"],
    ["acquired"], or nothing when it still waits, as a lock that ignores its timeout does."""
    outcome = []

    def wait() -> None:
        try:
            with lock:
                outcome.append("acquired")
        except LockTimeout:
            outcome.append("timeout")

    waiter = threading.Thread(target=wait, daemon=True)
    waiter.start()
    waiter.join(10)
    return outcome


def test_without_redis_waiting_for_a_held_advisory_lock_ends_at_its_timeout(advisory_holder):
    holder = advisory_holder("test-advisory-wait")
    assert _outcome_of_waiting(exclusive("test-advisory-wait", timeout=0.3)) == ["timeout"]
    os.killpg(holder.pid, signal.SIGKILL)
    holder.wait()
    assert _outcome_of_waiting(exclusive("test-advisory-wait", timeout=5)) == ["acquired"]


def test_the_demos_file_lock_waits_only_until_its_timeout(settings, tmp_path):
    """Without Redis or PostgreSQL (the SQLite demo), processes share a file lock."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    with locks._file_lock("test-file-wait", timeout=1):
        assert _outcome_of_waiting(locks._file_lock("test-file-wait", timeout=0.3)) == ["timeout"]
    assert _outcome_of_waiting(locks._file_lock("test-file-wait", timeout=1)) == ["acquired"]


def _database_url(settings_dict) -> str:
    user, host, port = settings_dict["USER"] or "postgres", settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"]
    return f"postgres://{user}@{host}:{port or 5432}/{settings_dict['NAME']}"
