"""The admin issues a key once through the service and afterwards only shows its prefix."""

import pytest

from dext_integration.models import CostItem, DextConnection
from tests.dext_integration.conftest import client_for, make_item, publish

pytestmark = pytest.mark.django_db


def test_adding_a_connection_shows_the_key_once(admin_client, organisation):
    response = admin_client.post(
        "/admin/dext_integration/dextconnection/add/",
        {"organisation": organisation.pk, "account_name": "Dext"},
        follow=True,
    )

    [message] = [str(m) for m in response.context["messages"] if "API key" in str(m)]
    key = message.split(" is ")[1].split(" ")[0]
    connection = DextConnection.objects.get()
    assert key.startswith(connection.key_prefix)
    assert client_for(key).get("/api/dext/v1/cost-items/x/").status_code == 404
    page = admin_client.get(f"/admin/dext_integration/dextconnection/{connection.pk}/change/").content.decode()
    assert connection.key_prefix in page
    assert key not in page
    assert connection.key_hash not in page


def test_the_revoke_action(admin_client, organisation, dext_key):
    connection = DextConnection.objects.get()

    admin_client.post("/admin/dext_integration/dextconnection/",
                      {"action": "revoke", "_selected_action": [connection.pk]})

    assert DextConnection.objects.get().revoked_at is not None
    assert client_for(dext_key).get("/api/dext/v1/cost-items/x/").status_code == 401


def test_cost_items_are_listed_read_only(admin_client, api, ready):
    publish(api, make_item())
    item = CostItem.objects.get()

    listing = admin_client.get("/admin/dext_integration/costitem/")
    detail = admin_client.get(f"/admin/dext_integration/costitem/{item.pk}/change/")

    assert listing.status_code == 200 and "CI-000123" in listing.content.decode()
    assert detail.status_code == 200 and "on_approval" in detail.content.decode()


def test_the_push_state_is_shown_read_only(admin_client, organisation):
    from dext_integration.models import MasterDataPush

    MasterDataPush.objects.create(organisation=organisation, name="suppliers", error="Dext answered 503")

    page = admin_client.get("/admin/dext_integration/masterdatapush/").content.decode()

    assert "Dext answered 503" in page
    assert admin_client.get("/admin/dext_integration/masterdatapush/add/").status_code == 403
