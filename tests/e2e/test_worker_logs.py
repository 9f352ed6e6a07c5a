"""A real Celery worker logs through Django's configuration: JSON lines naming the task and the
organisation it works for."""

import json
import os
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings

from approvalmax.celery import app as celery_app
from tests.processes import require_broker, worker_database_url
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_workers_lines_are_json_with_the_task_and_its_organisation(settings, tmp_path):
    database_url = worker_database_url()
    require_broker(settings)
    organisation = OrganisationFactory()  # not connected to Xero: its sync logs that and stops
    celery_app.control.purge()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "approvalmax.settings.test", "LOG_FORMAT": "json",
           "DATABASE_URL": database_url,
           "CELERY_BROKER_URL": settings.CELERY_BROKER_URL}  # fmt: skip
    log = tmp_path / "worker.log"
    with open(log, "w") as out:
        worker = subprocess.Popen([sys.executable, "-m", "celery", "--quiet", "-A", "approvalmax", "worker",
                                   "--pool=solo", "--loglevel=INFO", "--without-mingle", "--without-gossip"],
                                  cwd=django_settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        sent = celery_app.send_task("xero.sync_master_data", args=[organisation.pk])
        deadline = time.monotonic() + 60
        while "nothing to sync" not in log.read_text():
            assert time.monotonic() < deadline and worker.poll() is None, log.read_text()[-3000:]
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    [told] = [line for line in lines if "nothing to sync" in line["message"]]
    assert told["logger"] == "xero_integration.tasks" and told["level"] == "INFO"
    assert told["task_id"] == sent.id and told["task"] == "xero.sync_master_data"
    assert told["organisation_id"] == str(organisation.pk)
    # Celery's own log lines go the same way (what it prints itself, --quiet mostly silences).
    assert any(line["logger"].startswith("celery") for line in lines)
