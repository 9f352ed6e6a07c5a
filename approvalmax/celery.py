import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "approvalmax.settings.base")

app = Celery("approvalmax")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
