"""The organisation's Dext settings page: link, relink, rotate, reconnect, sync, and status."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from approvalmax.core.models import MasterDataListState
from dext_integration import tasks
from dext_integration.models import DextConnection, MasterDataPush
from dext_integration.services import dext_connection_create
from tests.dext_integration.conftest import client_for
from tests.factories import MembershipFactory, UserFactory, xero_connection

pytestmark = pytest.mark.django_db
KEY = re.compile(r'id="new-key" type="text" readonly value="(amxd_[^"]+)"')


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.push_master_data, "delay", lambda *args, **kwargs: calls.append((args, kwargs)))
    return calls


def url(name: str, organisation) -> str:
    return reverse(f"dext:{name}", kwargs={"slug": organisation.slug})


def link(client, organisation, name="Dext Ltd account", capture=None):
    with capture(execute=True):
        response = client.post(url("link", organisation), {"account_name": name})
    assert response.status_code == 200, response.content
    return KEY.search(response.content.decode()).group(1)


def test_linking_creates_a_key_shown_once_and_stored_hashed(
        admin_client, organisation, master_data, enqueued, django_capture_on_commit_callbacks):
    key = link(admin_client, organisation, capture=django_capture_on_commit_callbacks)

    connection = DextConnection.objects.get(organisation=organisation)
    assert connection.account_name == "Dext Ltd account" and key.startswith(connection.key_prefix)
    assert client_for(key).get("/api/dext/v1/suppliers/").status_code == 200
    page = admin_client.get(url("settings", organisation)).content.decode()
    assert key not in page and f"{connection.key_prefix}…" in page
    # A new link is sent the master data at once.
    assert enqueued == [((organisation.pk,), {"lists": None, "force": True})]


def test_relinking_revokes_the_old_key_at_once(
        admin_client, organisation, master_data, enqueued, django_capture_on_commit_callbacks):
    old = link(admin_client, organisation, capture=django_capture_on_commit_callbacks)
    new = link(admin_client, organisation, name="Another Dext account", capture=django_capture_on_commit_callbacks)

    assert client_for(old).get("/api/dext/v1/suppliers/").status_code == 401
    assert client_for(new).get("/api/dext/v1/suppliers/").status_code == 200
    assert DextConnection.objects.filter(organisation=organisation, revoked_at__isnull=True).get().account_name == (
        "Another Dext account")


def test_rotating_keeps_the_account_and_replaces_the_key(
        admin_client, organisation, master_data, enqueued, django_capture_on_commit_callbacks):
    old = link(admin_client, organisation, capture=django_capture_on_commit_callbacks)
    page = admin_client.get(url("settings", organisation)).content.decode()
    assert 'value="Dext Ltd account"' in page  # the form offers the same account: a rotation
    new = link(admin_client, organisation, capture=django_capture_on_commit_callbacks)

    assert new != old
    assert client_for(old).get("/api/dext/v1/suppliers/").status_code == 401
    assert client_for(new).get("/api/dext/v1/suppliers/").status_code == 200


def test_an_account_name_is_needed(admin_client, organisation):
    response = admin_client.post(url("link", organisation), {"account_name": ""})

    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not DextConnection.objects.exists()


def test_reconnect_pushes_all_master_data_now(admin_client, organisation, enqueued, django_capture_on_commit_callbacks):
    dext_connection_create(organisation=organisation)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url("reconnect", organisation), follow=True)

    assert enqueued == [((organisation.pk,), {"lists": None, "force": True})]
    assert "being pushed to Dext now" in response.content.decode()


def test_reconnect_without_a_link_says_so(admin_client, organisation, enqueued):
    response = admin_client.post(url("reconnect", organisation), follow=True)

    assert enqueued == []
    assert "No Dext account is linked" in response.content.decode()


def test_sync_now_refreshes_from_the_accounting_system_then_pushes(
        admin_client, organisation, monkeypatch, django_capture_on_commit_callbacks):
    xero_connection(organisation)
    sent = []
    monkeypatch.setattr("celery.canvas._chain.apply_async", lambda self, *a, **k: sent.append(self))

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url("sync", organisation))

    [workflow] = sent
    assert [(task.task, task.args) for task in workflow.tasks] == [
        ("xero.sync_master_data", (organisation.pk,)), ("dext.push_master_data", (organisation.pk,))]


def test_sync_now_without_an_accounting_system_pushes_what_there_is(
        admin_client, organisation, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr("celery.canvas.Signature.apply_async", lambda self, *a, **k: sent.append(self))

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(url("sync", organisation))

    assert [(task.task, task.args) for task in sent] == [("dext.push_master_data", (organisation.pk,))]


def test_the_page_shows_per_list_when_it_synced_and_whether_dext_has_it(admin_client, organisation, master_data):
    connection, _ = dext_connection_create(organisation=organisation)
    synced = timezone.now()
    MasterDataListState.objects.create(organisation=organisation, name="suppliers", synced_at=synced,
                                       changed_at=synced)
    MasterDataPush.objects.create(organisation=organisation, name="suppliers", connection=connection, version="v",
                                  row_count=1, pushed_at=timezone.now(), current_at=timezone.now())
    MasterDataPush.objects.create(organisation=organisation, name="accounts", attempted_at=timezone.now(),
                                  error="Dext answered 503")

    page = admin_client.get(url("settings", organisation)).content.decode()

    rows = dict(re.findall(r'<th scope="row">([^<]+)</th>(.*?)</tr>', page, re.S))
    assert "(1 rows)" in rows["Suppliers"] and rows["Suppliers"].rstrip().endswith("<td>Yes</td>")
    assert "not yet" not in rows["Suppliers"]
    assert "Last push failed:</strong> Dext answered 503" in rows["Accounts"] and "No, pending" in rows["Accounts"]
    assert "not yet" in rows["Tax rates"] and "never" in rows["Tax rates"]


def test_non_members_get_404_and_members_403(client, organisation, approver):
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(url("settings", organisation)).status_code == 404
    assert client.post(url("link", organisation), {"account_name": "x"}).status_code == 404

    client.force_login(approver)
    assert client.get(url("settings", organisation)).status_code == 403
    assert client.post(url("link", organisation), {"account_name": "x"}).status_code == 403
    assert client.post(url("reconnect", organisation)).status_code == 403
    assert client.post(url("sync", organisation)).status_code == 403
    assert not DextConnection.objects.exists()


def test_an_administrator_of_another_organisation_gets_404(client, organisation):
    other = MembershipFactory(role="administrator").user
    client.force_login(other)

    assert client.get(url("settings", organisation)).status_code == 404


def test_the_page_needs_a_login(client, organisation):
    response = client.get(url("settings", organisation))

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_forms_need_the_csrf_token(organisation, administrator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(administrator)

    assert client.post(url("link", organisation), {"account_name": "x"}).status_code == 403
    assert not DextConnection.objects.exists()
    assert 'name="csrfmiddlewaretoken"' in client.get(url("settings", organisation)).content.decode()


def test_the_new_key_page_is_not_cached(admin_client, organisation, enqueued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url("link", organisation), {"account_name": "Dext"})

    assert "no-store" in response["Cache-Control"]
