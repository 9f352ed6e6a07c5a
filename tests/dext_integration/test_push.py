"""Pushing master data to the linked Dext account: what is sent, when, and how failures retry."""

import re
import uuid
from datetime import timedelta

import pytest
import responses as responses_lib
from django.db import transaction
from django.utils import timezone

from approvalmax.celery import app
from approvalmax.core.models import Account, MasterDataList, Supplier
from approvalmax.core.signals import master_data_changed
from dext_integration import tasks
from dext_integration.client import DextUnavailable
from dext_integration.models import MasterDataPush
from dext_integration.selectors import master_data_pushes_pending
from dext_integration.master_data_push import master_data_push
from dext_integration.services import dext_connection_create, dext_connection_revoke
from tests.dext_integration.push_helpers import DEXT_API_URL, pushed, signature_valid
from tests.factories import OrganisationFactory, chart_of_accounts

pytestmark = pytest.mark.django_db
ALL_LISTS = sorted(MasterDataList.values)
PUT_URL = re.compile(re.escape(DEXT_API_URL) + r"/master-data/[a-z-]+/")


@pytest.fixture
def dext(settings):
    """A fake Dext that accepts every push."""
    settings.DEXT_API_URL = DEXT_API_URL
    with responses_lib.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.put(PUT_URL, json={"ok": True})
        yield mock


@pytest.fixture
def linked(organisation, master_data):
    _, key = dext_connection_create(organisation=organisation, account_name="Dext")
    return key


def test_every_list_is_pushed_signed_with_the_key_dext_holds(dext, organisation, linked, master_data):
    sent = master_data_push(organisation_id=organisation.pk)

    assert sorted(sent) == ALL_LISTS
    bodies = pushed(dext.calls)
    assert sorted(bodies) == ALL_LISTS
    assert all(signature_valid(call.request, linked) for call in dext.calls)
    assert [s["name"] for s in bodies["suppliers"]["results"]] == ["Acme Supplies Ltd"]
    assert [a["code"] for a in bodies["accounts"]["results"]] == ["429", "453"]
    assert [b["code"] for b in bodies["bank-accounts"]["results"]] == ["090"]
    assert bodies["tracking-categories"]["results"][0]["options"] == [
        {"id": master_data["north"].external_id, "name": "North"},
        {"id": master_data["south"].external_id, "name": "South"},
    ]
    assert bodies["suppliers"]["next"] is None and bodies["suppliers"]["synced_at"]
    # The key itself never travels: Dext holds it, we hold only its hash.
    assert all(linked not in (call.request.body.decode() + str(call.request.headers)) for call in dext.calls)
    state = MasterDataPush.objects.get(organisation=organisation, name="suppliers")
    assert state.row_count == 1 and state.pushed_at and state.error == ""


def test_pushing_again_sends_nothing_new(dext, organisation, linked):
    master_data_push(organisation_id=organisation.pk)
    calls = len(dext.calls)

    assert master_data_push(organisation_id=organisation.pk) == []
    assert len(dext.calls) == calls


def test_a_sync_that_rewrites_rows_unchanged_sends_nothing(dext, organisation, linked, master_data):
    master_data_push(organisation_id=organisation.pk)
    master_data["supplier"].save()  # a new updated_at, the same content

    assert master_data_push(organisation_id=organisation.pk) == []


def test_only_the_changed_list_is_sent_again(dext, organisation, linked):
    master_data_push(organisation_id=organisation.pk)
    Supplier.objects.create(organisation=organisation, external_id=str(uuid.uuid4()), name="Zed Ltd", is_supplier=True)
    dext.calls.reset()

    assert master_data_push(organisation_id=organisation.pk) == ["suppliers"]
    assert [s["name"] for s in pushed(dext.calls)["suppliers"]["results"]] == ["Acme Supplies Ltd", "Zed Ltd"]


def test_reconnecting_forces_every_list(dext, organisation, linked):
    master_data_push(organisation_id=organisation.pk)

    assert sorted(master_data_push(organisation_id=organisation.pk, force=True)) == ALL_LISTS


def test_a_new_link_is_sent_everything_signed_with_its_own_key(dext, organisation, linked):
    master_data_push(organisation_id=organisation.pk)
    _, new_key = dext_connection_create(organisation=organisation, account_name="Another Dext account")
    dext.calls.reset()

    assert sorted(master_data_push(organisation_id=organisation.pk)) == ALL_LISTS
    assert all(signature_valid(call.request, new_key) for call in dext.calls)
    assert not any(signature_valid(call.request, linked) for call in dext.calls)


def test_nothing_is_pushed_without_a_linked_account(dext, organisation, master_data):
    connection, _ = dext_connection_create(organisation=organisation)
    dext_connection_revoke(connection_id=connection.pk)

    assert master_data_push(organisation_id=organisation.pk) == []
    assert not dext.calls


def test_an_unavailable_dext_is_retried_with_backoff(settings, organisation, linked, monkeypatch):
    settings.DEXT_API_URL = DEXT_API_URL
    retries = []
    monkeypatch.setattr(tasks.push_master_data, "retry", lambda exc, countdown: retries.append(countdown) or exc)
    with responses_lib.RequestsMock() as mock:
        mock.put(PUT_URL, status=503, body="down for maintenance")
        with pytest.raises(DextUnavailable):
            tasks.push_master_data(organisation.pk)

    assert len(retries) == 1 and 0 <= retries[0] <= 10
    # The first list failed; the task's retry sends it and the rest.
    state = MasterDataPush.objects.get(organisation=organisation, name="suppliers")
    assert "503" in state.error and state.pushed_at is None


def test_retry_after_is_honoured(settings, organisation, linked, monkeypatch):
    settings.DEXT_API_URL = DEXT_API_URL
    retries = []
    monkeypatch.setattr(tasks.push_master_data, "retry", lambda exc, countdown: retries.append(countdown) or exc)
    with responses_lib.RequestsMock() as mock:
        mock.put(PUT_URL, status=429, headers={"Retry-After": "120"})
        with pytest.raises(DextUnavailable):
            tasks.push_master_data(organisation.pk)

    assert retries == [120.0]


def test_a_refusal_is_recorded_and_not_retried(settings, organisation, linked, monkeypatch):
    settings.DEXT_API_URL = DEXT_API_URL
    monkeypatch.setattr(tasks.push_master_data, "retry", lambda **kwargs: pytest.fail("a 401 must not be retried"))
    with responses_lib.RequestsMock() as mock:
        mock.put(PUT_URL, status=401, json={"error": "unknown key"})
        assert tasks.push_master_data(organisation.pk) == []

    errors = list(MasterDataPush.objects.values_list("error", flat=True))
    assert len(errors) == 5 and all("Dext answered 401" in error for error in errors)


def test_administrators_are_told_when_dext_refuses_master_data_once_a_day_per_list(
        settings, organisation, linked, administrator, approver):
    from approvalmax.notifications.models import Notification

    settings.DEXT_API_URL = DEXT_API_URL
    with responses_lib.RequestsMock() as mock:
        mock.put(PUT_URL, status=401, json={"error": "unknown key"})
        tasks.push_master_data(organisation.pk)
        tasks.push_master_data(organisation.pk, force=True)

    told = Notification.objects.filter(recipient=administrator)
    assert told.count() == 5 and all(n.mandatory for n in told)
    assert "Dext is refusing the suppliers" in " ".join(told.values_list("subject", flat=True))
    assert not Notification.objects.filter(recipient=approver).exists()


def test_a_changed_list_is_pushed_on_commit_of_the_sync_that_changed_it(
        organisation, linked, monkeypatch, django_capture_on_commit_callbacks):
    enqueued = []
    monkeypatch.setattr(tasks.push_master_data, "delay", lambda *args, **kwargs: enqueued.append((args, kwargs)))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            master_data_changed.send(sender=None, organisation_id=organisation.pk, lists={"suppliers", "accounts"})
        assert enqueued == []
    for callback in callbacks:
        callback()

    assert enqueued == [((organisation.pk,), {"lists": ["accounts", "suppliers"], "force": False})]


def test_a_change_without_a_linked_account_enqueues_nothing(
        organisation, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(tasks.push_master_data, "delay", lambda *a, **k: pytest.fail("nothing to push to"))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        master_data_changed.send(sender=None, organisation_id=organisation.pk, lists={"suppliers"})

    assert callbacks == []


def test_pending_lists_are_those_dext_lacks(dext, organisation, linked):
    now = timezone.now()
    assert sorted(master_data_pushes_pending(now=now)[organisation.pk]) == ALL_LISTS

    master_data_push(organisation_id=organisation.pk)
    assert master_data_pushes_pending(now=timezone.now()) == {}

    Account.objects.filter(organisation=organisation, code="429").update(name="General", updated_at=timezone.now())
    assert master_data_pushes_pending(now=timezone.now()) == {organisation.pk: ["accounts", "bank-accounts"]}


def test_a_list_whose_push_failed_lately_waits_for_the_tasks_retries(organisation, linked):
    now = timezone.now()
    MasterDataPush.objects.create(organisation=organisation, name="suppliers", attempted_at=now, error="503")

    assert "suppliers" not in master_data_pushes_pending(now=now)[organisation.pk]
    assert "suppliers" in master_data_pushes_pending(now=now + timedelta(hours=1))[organisation.pk]


def test_beat_checks_for_master_data_to_push_every_minute():
    entry = app.conf.beat_schedule["dext-master-data-push"]

    assert entry["task"] == "dext.push_pending_master_data"
    assert entry["schedule"].minute == set(range(60)) and len(entry["schedule"].hour) == 24
    assert "dext.push_pending_master_data" in app.tasks and "dext.push_master_data" in app.tasks
    # The daily sync from Xero stays scheduled; what it changes is pushed by this check.
    assert app.conf.beat_schedule["daily-master-data-sync"]["task"] == "xero.daily_master_data_sync"


def test_the_scheduled_check_pushes_what_changed(dext, organisation, linked, monkeypatch):
    other = OrganisationFactory()
    chart_of_accounts(other)
    monkeypatch.setattr(tasks.push_master_data, "delay",
                        lambda organisation_id, lists: tasks.push_master_data(organisation_id, lists=lists))

    assert tasks.push_pending_master_data() == 1  # the unlinked organisation is not pushed
    assert sorted(pushed(dext.calls)) == ALL_LISTS
    dext.calls.reset()
    assert tasks.push_pending_master_data() == 0
    Supplier.objects.create(organisation=organisation, external_id=str(uuid.uuid4()), name="New Co", is_supplier=True)

    assert tasks.push_pending_master_data() == 1
    assert list(pushed(dext.calls)) == ["suppliers"]
