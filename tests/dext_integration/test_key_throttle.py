"""Guessing Dext API keys: after repeated unknown keys from one address, 429 with Retry-After."""

import pytest
from rest_framework.test import APIClient

from tests.dext_integration.conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/api/dext/v1/cost-items/CI-000123/"


def guess(address: str, key: str = "amxd_wrong"):
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client.get(URL)


def test_repeated_unknown_keys_from_one_address_are_answered_429(settings, dext_key):
    settings.DEXT_KEY_FAILURE_LIMIT = 3
    assert [guess("203.0.113.5").status_code for _ in range(3)] == [401, 401, 401]

    refused = guess("203.0.113.5")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= settings.DEXT_KEY_FAILURE_WINDOW_SECONDS
    assert refused.json()["error"]["code"] == "throttled"
    assert "Too many unknown API keys" in refused.json()["error"]["message"]
    # Even the right key waits from that address: the guesser cannot tell it found one.
    assert guess("203.0.113.5", dext_key).status_code == 429


def test_other_addresses_and_good_keys_are_not_held_back(settings, dext_key):
    settings.DEXT_KEY_FAILURE_LIMIT = 3
    for _ in range(5):
        guess("203.0.113.5")

    assert guess("198.51.100.7").status_code == 401
    assert guess("198.51.100.7", dext_key).status_code == 404
    for _ in range(10):
        assert guess("192.0.2.1", dext_key).status_code == 404


def test_the_count_lives_in_the_shared_cache(settings, dext_key):
    """Every web process must see the same failures, so they are counted in the cache."""
    from django.core.cache import cache

    settings.DEXT_KEY_FAILURE_LIMIT = 2
    guess("203.0.113.9")
    guess("203.0.113.9")
    keys = [key for key in _cache_keys(cache) if "failures:dext-key:203.0.113.9" in key]
    assert keys
    assert guess("203.0.113.9").status_code == 429


def _cache_keys(cache):
    client = getattr(cache, "_cache", None)
    if hasattr(client, "get_client"):  # Redis
        return [key.decode() for key in client.get_client().keys("*")]
    return list(client.keys())


def test_a_missing_header_is_not_a_guess(settings):
    settings.DEXT_KEY_FAILURE_LIMIT = 1
    for _ in range(3):
        assert APIClient(REMOTE_ADDR="203.0.113.5").get(URL).status_code == 401
    assert client_for("amxd_wrong").get(URL).status_code == 401
