"""Failures counted per client address in fixed windows, in the cache every process shares.

Used where a wrong guess is cheap to send: the Dext API's keys. Logins have django-axes."""

import time
from dataclasses import dataclass

from axes.helpers import get_client_ip_address
from django.core.cache import cache


@dataclass(frozen=True)
class FailureLimit:
    name: str
    limit: int
    window_seconds: int

    def _key(self, address: str, now: float) -> str:
        return f"failures:{self.name}:{address}:{int(now // self.window_seconds)}"

    def _retry_after(self, now: float) -> int:
        return max(1, int(self.window_seconds - now % self.window_seconds))

    def blocked_for(self, request) -> int | None:
        """Seconds until this address may try again, or None while it is under the limit."""
        now = time.time()
        count = cache.get(self._key(client_address(request), now), 0)
        return self._retry_after(now) if count >= self.limit else None

    def record(self, request) -> None:
        now = time.time()
        key = self._key(client_address(request), now)
        cache.add(key, 0, timeout=self.window_seconds + 1)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=self.window_seconds + 1)


def client_address(request) -> str:
    """The client's address as the login lockout reads it (CLIENT_IP_HEADERS)."""
    return get_client_ip_address(request) or "unknown"
