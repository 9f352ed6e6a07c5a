"""Two pushes of one item at once make one request; the loser is answered as a re-push."""

import threading
import time

import pytest
from django.db import connection

from dext_integration import services
from dext_integration.models import CostItem
from dext_integration.services import dext_connection_create
from tests.conftest import require_service
from tests.dext_integration.conftest import client_for, make_item, publish
from workflows.models import ApprovalRequest, RequestDocument


@pytest.fixture(autouse=True)
def _postgresql(transactional_db):
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "concurrent pushes wait on row locks, as on the database production runs on")


@pytest.mark.django_db(transaction=True)
def test_a_second_push_waits_for_the_first_and_stores_nothing_again(organisation, master_data, workflow, monkeypatch):
    """The first push holds the item's claimed row while it builds the request; the same item
    pushed meanwhile waits on that row, then is answered as the re-push it is."""
    _, key = dext_connection_create(organisation=organisation)
    inside, second_started = threading.Event(), threading.Event()
    real_create = services.workflow_services.request_create
    creations = []

    def slow_create(**kwargs):
        creations.append(kwargs["content"].source_reference)
        inside.set()
        second_started.wait(timeout=10)
        time.sleep(0.5)  # long enough for the second push to reach the item's row and wait on it
        return real_create(**kwargs)

    monkeypatch.setattr(services.workflow_services, "request_create", slow_create)
    statuses = {}

    def push(name):
        try:
            if name == "second":
                inside.wait(timeout=10)
                second_started.set()
            statuses[name] = publish(client_for(key), make_item()).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=push, args=(name,)) for name in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert statuses == {"first": 201, "second": 200}
    assert creations == ["CI-000123"]
    assert ApprovalRequest.objects.count() == CostItem.objects.count() == RequestDocument.objects.count() == 1
    assert CostItem.objects.get().request == ApprovalRequest.objects.get()


@pytest.mark.django_db(transaction=True)
def test_two_identical_pushes_at_once_create_one_request(organisation, master_data, workflow):
    _, key = dext_connection_create(organisation=organisation)
    barrier = threading.Barrier(2)
    statuses = []

    def push():
        try:
            client = client_for(key)
            barrier.wait(timeout=10)
            statuses.append(publish(client, make_item()).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=push) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [200, 201]
    assert ApprovalRequest.objects.count() == 1
    assert CostItem.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_items_with_the_same_new_supplier_at_once_introduce_it_once(
        organisation, master_data, workflow, monkeypatch):
    from approvalmax.core.models import Supplier
    from dext_integration import tasks

    monkeypatch.setattr(tasks.push_master_data, "delay", lambda *args, **kwargs: None)
    _, key = dext_connection_create(organisation=organisation)
    barrier = threading.Barrier(2)
    statuses = []

    def push(dext_id):
        try:
            client = client_for(key)
            barrier.wait(timeout=10)
            item = make_item(dext_id=dext_id, supplier={"name": "Brand New Stationers"})
            statuses.append(publish(client, item).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=push, args=(f"CI-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert statuses == [201, 201]
    assert Supplier.objects.filter(name="Brand New Stationers").count() == 1
