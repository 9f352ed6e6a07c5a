"""The beat schedule's mail and time entries, in code and tested."""

from approvalmax.celery import app


def test_beat_runs_reminders_escalation_holds_digests_and_the_mail_sweep():
    app.loader.import_default_modules()  # what a worker does at start: every app's tasks module
    expected = {"approval-reminders": "workflows.remind", "approval-escalations": "workflows.escalate",
                "approval-holds-ending": "workflows.end_holds", "mail-daily-digests": "mail.send_digests",
                "mail-sweep": "mail.sweep"}
    for name, task in expected.items():
        assert app.conf.beat_schedule[name]["task"] == task and task in app.tasks
    assert len(app.conf.beat_schedule["approval-reminders"]["schedule"].hour) == 24
    assert app.conf.beat_schedule["mail-daily-digests"]["schedule"].minute == {0}
    assert len(app.conf.beat_schedule["mail-sweep"]["schedule"].minute) == 60


def test_mail_goes_to_its_own_queue():
    from approvalmax.settings.base import CELERY_TASK_ROUTES

    assert CELERY_TASK_ROUTES["mail.*"] == CELERY_TASK_ROUTES["workflows.announce"] == {"queue": "mail"}
