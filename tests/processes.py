"""What a test needs before it starts processes of its own on this machine (workers, servers)."""

import socket

import redis
from django.db import connection

from tests.conftest import require_service


def worker_database_url() -> str:
    """The test database, for worker processes that share it with the test (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "worker processes share the test database with the test")
    db = connection.settings_dict
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def require_broker(settings) -> None:
    try:
        redis.Redis.from_url(settings.CELERY_BROKER_URL).ping()
    except redis.RedisError as exc:
        require_service("Redis", f"the workers consume from it ({exc})")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
