"""Announcements with effects are heard only once what they announce is committed."""

import pytest
from django.db import connection, transaction

from approvalmax.core.signals import master_data_changed, send_on_commit


@pytest.fixture
def heard():
    received = []

    def receiver(sender, **kwargs):
        received.append((kwargs, connection.in_atomic_block))

    master_data_changed.connect(receiver, weak=False, dispatch_uid="test-heard")
    yield received
    master_data_changed.disconnect(dispatch_uid="test-heard")


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_it_is_sent_after_the_commit(heard):
    with transaction.atomic():
        send_on_commit(master_data_changed, None, organisation_id=1, lists={"suppliers"})
        assert heard == []

    assert heard == [({"signal": master_data_changed, "organisation_id": 1, "lists": {"suppliers"}}, False)]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_announces_nothing(heard):
    with pytest.raises(RuntimeError), transaction.atomic():
        send_on_commit(master_data_changed, None, organisation_id=1, lists={"suppliers"})
        raise RuntimeError("rolled back")

    assert heard == []
