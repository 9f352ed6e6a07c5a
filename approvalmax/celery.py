import os
from datetime import timedelta

from celery import Celery
from celery.schedules import crontab
from celery.signals import setup_logging, task_postrun, task_prerun, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "approvalmax.settings.base")

app = Celery("approvalmax")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The beat schedule lives in code, where it is reviewed and tested.
app.conf.beat_schedule = {
    "daily-master-data-sync": {
        # Hourly, so each organisation is synced at MASTER_DATA_SYNC_HOUR in its own time zone.
        "task": "xero.daily_master_data_sync",
        "schedule": crontab(minute=0),
    },
    "xero-incremental-master-data-sync": {
        # What changed in Xero since the last sync; one call per list when nothing did.
        "task": "xero.incremental_master_data_sync",
        "schedule": crontab(minute="*/5"),
    },
    "xero-pull-bills": {
        # Bills awaiting approval in Xero: the safety net under its INVOICE webhooks.
        "task": "xero.pull_bills_everywhere",
        "schedule": timedelta(seconds=float(os.environ.get("XERO_PULL_SECONDS", "180"))),
    },
    "xero-publish-sweep": {
        # Approved requests that no live publisher holds (a worker died, a message was lost).
        "task": "xero.publish_sweep",
        "schedule": timedelta(seconds=float(os.environ.get("PUBLISH_SWEEP_SECONDS", "60"))),
    },
    "quickbooks-daily-master-data-sync": {
        "task": "quickbooks.daily_master_data_sync",
        "schedule": crontab(minute=0),
    },
    "quickbooks-incremental-master-data-sync": {
        # What changed in QuickBooks Online since the last sync, by CDC: one call when nothing did.
        "task": "quickbooks.incremental_master_data_sync",
        "schedule": crontab(minute="*/5"),
    },
    "quickbooks-publish-sweep": {
        "task": "quickbooks.publish_sweep",
        "schedule": timedelta(seconds=float(os.environ.get("PUBLISH_SWEEP_SECONDS", "60"))),
    },
    "unconnected-publish-sweep": {
        # Approved requests of organisations with no accounting system fail visibly, not wait.
        "task": "workflows.fail_unconnected",
        "schedule": timedelta(seconds=float(os.environ.get("PUBLISH_SWEEP_SECONDS", "60"))),
    },
    "approval-reminders": {
        # Hourly: decisions waiting past the organisation's threshold, once a local day each.
        "task": "workflows.remind",
        "schedule": crontab(minute=30),
    },
    "approval-escalations": {
        "task": "workflows.escalate",
        "schedule": crontab(minute="*/5"),
    },
    "approval-holds-ending": {
        "task": "workflows.end_holds",
        "schedule": crontab(minute="*/5"),
    },
    "mail-sweep": {
        # Mail whose task was lost, or whose worker died while sending.
        "task": "mail.sweep",
        "schedule": crontab(),
    },
    "mail-daily-digests": {
        # Hourly, so each person's digest leaves at their hour in their own time zone.
        "task": "mail.send_digests",
        "schedule": crontab(minute=0),
    },
    "daily-budgets-sync": {
        "task": "budgets.sync_all",
        "schedule": crontab(minute=15, hour=2),
    },
    "daily-exchange-rates-sync": {
        "task": "currencies.sync_all",
        "schedule": crontab(minute=20, hour=2),
    },
    "dext-master-data-push": {
        # Master data that changed (by any sync) and that the linked Dext account lacks.
        "task": "dext.push_pending_master_data",
        "schedule": crontab(),
    },
}


@setup_logging.connect
def _django_logging(**kwargs):
    """Celery's workers and beat log through Django's LOGGING, in the same format."""
    import logging
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
    logging.captureWarnings(True)


@worker_process_init.connect
def _child_ready(**kwargs):
    """A pool child serves many tasks: what it starts with is kept out of the collector's full
    passes, as a web worker's is. Over some 240,000 such objects each pass took 130 ms, every
    third audit report or so (bench/audit_report_render.py)."""
    from approvalmax.core.process_start import worker_ready

    worker_ready()


@task_prerun.connect
def _bind_task(task_id=None, task=None, args=None, kwargs=None, **extra):
    from approvalmax.core.log_context import bind

    organisation_id = (kwargs or {}).get("organisation_id")
    if organisation_id is None and args and _first_parameter(task) == "organisation_id":
        organisation_id = args[0]
    _task_log_tokens[task_id] = bind(task_id=task_id, task=task.name, organisation_id=organisation_id)


@task_postrun.connect
def _unbind_task(task_id=None, **extra):
    from approvalmax.core.log_context import unbind

    token = _task_log_tokens.pop(task_id, None)
    if token is not None:
        unbind(token)


_task_log_tokens: dict = {}


def _first_parameter(task) -> str:
    import inspect

    parameters = [p for p in inspect.signature(task.run).parameters if p != "self"]
    return parameters[0] if parameters else ""
