"""The whole worker is SIGKILLed at each point of a publish. A new worker with beat finds the
tenant through the sweep once the dead holder's lease lapses, and the request ends published
exactly once, with no other approval to nudge it."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings

from approvalmax.celery import app as celery_app
from tests.processes import require_broker, worker_database_url
from tests.xero_integration.helpers import SandboxReader, approved_request, synced_master_data
from workflows.models import ApprovalRequest
from xero_integration.tasks import publish_tenant

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_env(xero_sandbox, settings, tmp_path):
    database_url = worker_database_url()
    require_broker(settings)
    settings.XERO_SANDBOX_IDEMPOTENCY_SECONDS = 0  # only looking documents up can prevent a duplicate
    celery_app.control.purge()
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "approvalmax.settings.test",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "REDIS_URL": settings.REDIS_URL or "redis://127.0.0.1:6379/14",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PUBLIC_BASE_URL": xero_sandbox.url,
        "LOCK_LEASE_SECONDS": "2",
        "PUBLISH_SWEEP_SECONDS": "2",
        "PUBLISH_SWEEP_GRACE_SECONDS": "1",
        "BEAT_SCHEDULE_FILE": str(tmp_path / "beat-schedule"),
        # Its own beat lock and schedule, so no beat of another test stands in its way.
        "REDBEAT_KEY_PREFIX": f"redbeat-{tmp_path.name}:",
        "BEAT_LOCK_TIMEOUT_SECONDS": "6",
    }


def _start(args: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(args, env=env, cwd=django_settings.BASE_DIR, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_for(predicate, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError("timed out waiting")


@pytest.mark.parametrize("point", ["after_bill", "after_first_attachment", "before_payment"])
def test_a_worker_killed_mid_publish_ends_with_one_paid_bill_and_two_attachments(
        point, connected_organisation, worker_env, settings, django_capture_on_commit_callbacks):
    bank = synced_master_data(connected_organisation)["bank"]
    request = approved_request(connected_organisation, django_capture_on_commit_callbacks, is_paid=True,
                               payment_method_name="Company card", payment_account=bank)
    dying = _start([sys.executable, "-m", "tests.e2e.dying_worker", point], worker_env)
    publish_tenant.delay(connected_organisation.pk)
    try:
        assert dying.wait(timeout=90) == -9
    finally:
        if dying.poll() is None:
            os.killpg(dying.pid, 9)
    request.refresh_from_db()
    assert request.state == ApprovalRequest.State.APPROVED  # stuck, until something notices

    survivor = _start([sys.executable, "-m", "celery", "-A", "approvalmax", "worker", "--beat", "--concurrency=1",
                       "--loglevel=WARNING", "-s", worker_env["BEAT_SCHEDULE_FILE"]], worker_env)
    try:
        _wait_for(lambda: ApprovalRequest.objects.filter(pk=request.pk, state=ApprovalRequest.State.PUBLISHED)
                  .exists(), timeout=90)
    finally:
        os.killpg(survivor.pid, 15)
        survivor.wait(timeout=30)

    request.refresh_from_db()
    xero = SandboxReader(settings, connected_organisation)
    [bill] = xero.bills()
    assert bill["InvoiceID"] == request.external_id and bill["Status"] == "PAID"
    assert len(xero.attachments(bill["InvoiceID"])) == 2
    assert len([p for p in xero.payments() if p["Invoice"]["InvoiceID"] == bill["InvoiceID"]]) == 1
