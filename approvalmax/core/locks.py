"""A named lock shared by every web and worker process.

Redis when REDIS_URL is set (production); otherwise a PostgreSQL advisory lock, or, for the
single-machine SQLite demo, a file lock. Never hold one across a database transaction that
other processes need: SQLite's demo database has a single writer."""

import fcntl
import hashlib
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
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


def _key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def exclusive(name: str, *, timeout: float = 60.0) -> Iterator[None]:
    if settings.REDIS_URL:
        lock = _redis(settings.REDIS_URL).lock(f"lock:{name}", timeout=timeout, blocking_timeout=timeout)
        if not lock.acquire():
            raise LockTimeout(f"Another process holds {name}.")
        try:
            yield
        finally:
            try:
                lock.release()
            except redis.exceptions.LockNotOwnedError:
                pass
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [_key(name)])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_key(name)])
    else:
        folder = Path(settings.MEDIA_ROOT).parent / "locks"
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / f"{hashlib.sha256(name.encode()).hexdigest()[:32]}.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
