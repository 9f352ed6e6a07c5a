import uuid
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from approvalmax.celery import app
from tests.factories import OrganisationFactory
from xero_integration.models import XeroConnection
from xero_integration.selectors import organisations_due_for_daily_sync


def test_beat_runs_the_daily_sync_every_hour():
    entry = app.conf.beat_schedule["daily-master-data-sync"]
    assert entry["task"] == "xero.daily_master_data_sync"
    assert entry["schedule"].minute == {0}
    assert len(entry["schedule"].hour) == 24
    assert "xero.daily_master_data_sync" in app.tasks


def _connected(zone: str):
    organisation = OrganisationFactory(timezone=zone)
    XeroConnection.objects.create(organisation=organisation, tenant_id=uuid.uuid4(), tenant_name="T",
                                  access_token="a", refresh_token="r",
                                  access_token_expires_at=timezone.now() + timedelta(minutes=30))
    return organisation


def test_organisations_are_due_at_the_sync_hour_in_their_own_time_zone(db, settings):
    settings.MASTER_DATA_SYNC_HOUR = 3
    london = _connected("Europe/London")
    auckland = _connected("Pacific/Auckland")

    # 03:00 UTC on 22 November is 03:00 in London and 16:00 in Auckland.
    due = organisations_due_for_daily_sync(now=datetime(2026, 11, 22, 3, 0, tzinfo=UTC))

    assert due == [london.pk]
    assert auckland.pk not in due
    # 14:00 UTC is 03:00 the next day in Auckland (NZDT, UTC+13).
    assert organisations_due_for_daily_sync(now=datetime(2026, 11, 22, 14, 0, tzinfo=UTC)) == [auckland.pk]


def test_beat_runs_the_incremental_sync_every_five_minutes():
    entry = app.conf.beat_schedule["xero-incremental-master-data-sync"]
    assert entry["task"] == "xero.incremental_master_data_sync"
    assert entry["schedule"].minute == set(range(0, 60, 5))
    assert "xero.incremental_master_data_sync" in app.tasks


def test_beat_pulls_bills_awaiting_approval_every_three_minutes_where_pulling_is_on(db, monkeypatch):
    from xero_integration import tasks

    entry = app.conf.beat_schedule["xero-pull-bills"]
    assert entry["task"] == "xero.pull_bills_everywhere" and "xero.pull_bills_everywhere" in app.tasks
    assert entry["schedule"] == timedelta(minutes=3)
    pulling, off, broken = _connected("Europe/London"), _connected("Europe/London"), _connected("Europe/London")
    XeroConnection.objects.filter(organisation=off).update(pull_bills=False)
    XeroConnection.objects.filter(organisation=broken).update(status=XeroConnection.Status.NEEDS_RECONNECTING)
    queued = []
    monkeypatch.setattr(tasks.pull_bills, "delay", queued.append)

    assert tasks.pull_bills_everywhere() == 1
    assert queued == [pulling.pk]
