import os
from datetime import timedelta

from celery import Celery
from celery.schedules import crontab

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
    "xero-publish-sweep": {
        # Approved requests that no live publisher holds (a worker died, a message was lost).
        "task": "xero.publish_sweep",
        "schedule": timedelta(seconds=float(os.environ.get("PUBLISH_SWEEP_SECONDS", "60"))),
    },
    "dext-master-data-push": {
        # Master data that changed (by any sync) and that the linked Dext account lacks.
        "task": "dext.push_pending_master_data",
        "schedule": crontab(),
    },
}
