"""API keys: issued once, stored hashed, revocable."""

import hashlib

import pytest

from dext_integration.models import DextConnection
from dext_integration.services import dext_connection_create, dext_connection_revoke
from tests.dext_integration.conftest import client_for

pytestmark = pytest.mark.django_db


def test_a_key_is_stored_only_as_its_hash_and_prefix(organisation):
    connection, key = dext_connection_create(organisation=organisation, account_name="Dext Ltd account")

    stored = DextConnection.objects.get()
    assert stored == connection
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(stored.key_prefix) and len(stored.key_prefix) <= 12
    assert len(key) >= 40
    assert key not in str(DextConnection.objects.values().get())
    assert (stored.organisation, stored.account_name, stored.revoked_at) == (organisation, "Dext Ltd account", None)


def test_keys_are_unique(organisation):
    keys = {dext_connection_create(organisation=organisation)[1] for _ in range(5)}

    assert len(keys) == 5


def test_linking_again_revokes_the_earlier_key(organisation, master_data):
    _, old = dext_connection_create(organisation=organisation)
    _, new = dext_connection_create(organisation=organisation)

    assert client_for(old).get("/api/dext/v1/cost-items/x/").status_code == 401
    assert client_for(new).get("/api/dext/v1/cost-items/x/").status_code == 404


def test_revoking_stops_the_key_and_is_idempotent(organisation):
    connection, key = dext_connection_create(organisation=organisation)

    revoked = dext_connection_revoke(connection_id=connection.pk)
    again = dext_connection_revoke(connection_id=connection.pk)

    assert revoked.revoked_at is not None
    assert again.revoked_at == revoked.revoked_at
    assert client_for(key).get("/api/dext/v1/cost-items/x/").status_code == 401
