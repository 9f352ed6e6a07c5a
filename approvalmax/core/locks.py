"""A named lock shared by every web and worker process.

Redis when REDIS_URL is set (production); otherwise a PostgreSQL advisory lock, or, for the
single-machine SQLite demo, a file lock. Never hold one across a database transaction that
other processes need: SQLite's demo database has a single writer.

A holder that dies must not keep its lock: the advisory lock and the file lock go with the
connection or the process, and the Redis lock is a short lease that a heartbeat thread renews
while the holder lives, so a killed holder's lease lapses within `LOCK_LEASE_SECONDS`."""

import fcntl
import hashlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection

from approvalmax.core.exceptions import ApplicationError


class LockTimeout(ApplicationError):
    status_code = 503
    code = "busy"


@lru_cache(maxsize=4)
def redis_client(url: str) -> redis.Redis:
    """One client (and connection pool) per Redis URL for the process: locks, budgets, metrics."""
    return redis.Redis.from_url(url)


def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def _lease_seconds() -> float:
    return float(getattr(settings, "LOCK_LEASE_SECONDS", 30))


def _lock_file(name: str) -> Path:
    folder = Path(settings.MEDIA_ROOT).parent / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{hashlib.sha256(name.encode()).hexdigest()[:32]}.lock"


class _Heartbeat(threading.Thread):
    """Renews a Redis lease every third of its length until stopped."""

    def __init__(self, lock, lease: float) -> None:
        super().__init__(daemon=True, name="lock-heartbeat")
        self.lock, self.lease, self.stopped = lock, lease, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.lease / 3):
            try:
                self.lock.extend(self.lease, replace_ttl=True)
            except redis.exceptions.LockError:
                return
            except redis.RedisError:
                continue


@contextmanager
def _redis_lock(name: str, timeout: float) -> Iterator[None]:
    lease = _lease_seconds()
    lock = redis_client(settings.REDIS_URL).lock(f"lock:{name}", timeout=lease, blocking_timeout=timeout,
                                        thread_local=False)  # the heartbeat thread renews it
    if not lock.acquire():
        raise LockTimeout(f"Another process holds {name}.")
    heartbeat = _Heartbeat(lock, lease)
    heartbeat.start()
    try:
        yield
    finally:
        heartbeat.stopped.set()
        heartbeat.join()
        try:
            lock.release()
        except redis.exceptions.LockError:
            pass


POLL_SECONDS = 0.05


def _wait_for(try_once, name: str, timeout: float) -> None:
    """Try until `try_once()` takes the lock, for at most `timeout` seconds: neither the advisory
    lock nor flock waits for a given time by itself."""
    deadline = time.monotonic() + timeout
    while not try_once():
        left = deadline - time.monotonic()
        if left <= 0:
            raise LockTimeout(f"Another process holds {name}.")
        time.sleep(min(POLL_SECONDS, left))


@contextmanager
def _advisory_lock(name: str, timeout: float) -> Iterator[None]:
    def try_once() -> bool:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_key(name)])
            return cursor.fetchone()[0]

    _wait_for(try_once, name, timeout)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_key(name)])


@contextmanager
def _file_lock(name: str, timeout: float) -> Iterator[None]:
    with open(_lock_file(name), "w") as handle:
        def try_once() -> bool:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True

        _wait_for(try_once, name, timeout)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def exclusive(name: str, *, timeout: float = 60.0) -> Iterator[None]:
    """Hold `name` for the block, waiting at most `timeout` seconds for it (LockTimeout after)."""
    if settings.REDIS_URL:
        lock = _redis_lock(name, timeout)
    elif connection.vendor == "postgresql":
        lock = _advisory_lock(name, timeout)
    else:
        lock = _file_lock(name, timeout)
    with lock:
        yield


def is_held(name: str) -> bool:
    """Whether a live process holds `name` now (a dead holder's lock counts as free)."""
    if settings.REDIS_URL:
        return bool(redis_client(settings.REDIS_URL).exists(f"lock:{name}"))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_key(name)])
            [acquired] = cursor.fetchone()
            if acquired:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_key(name)])
        return not acquired
    with open(_lock_file(name), "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False
