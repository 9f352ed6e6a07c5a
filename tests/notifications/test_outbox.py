"""The outbox: one email per person and event, sent once, retried when the server fails, and
mailed at once, in a daily digest or not at all, as each person chose."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from approvalmax.notifications import services
from approvalmax.notifications.models import Digest, Notification
from approvalmax.notifications.tasks import deliver, send_digests, sweep


def _message(subject="Approval needed: Acme 54.00 GBP"):
    return services.Message(kind="test", subject=subject, text="Plain words", html="<p>Plain words</p>",
                            url="http://127.0.0.1:8000/requests/")


def _notify(organisation, people, key="event:1", **kwargs):
    return services.notify(organisation_id=organisation.pk, key=key, messages={p.pk: _message() for p in people},
                           **kwargs)


def test_a_notification_is_mailed_once_with_text_and_html(organisation, approver, smtp_server):
    assert _notify(organisation, [approver]) == 1
    assert _notify(organisation, [approver]) == 0
    row = Notification.objects.get()

    assert deliver.apply(args=[row.pk]).get() is True
    assert deliver.apply(args=[row.pk]).get() is False

    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message.get_body(preferencelist=("plain",)).get_content().startswith("Plain words")
    assert "<p>Plain words</p>" in message.get_body(preferencelist=("html",)).get_content()
    row.refresh_from_db()
    assert row.mail == Notification.Mail.SENT and row.sent_at is not None


def test_a_refusing_server_is_retried_until_it_accepts(organisation, approver, smtp_server):
    _notify(organisation, [approver])
    row = Notification.objects.get()
    smtp_server.refuse = 2

    deliver.apply(args=[row.pk])

    row.refresh_from_db()
    assert (row.mail, row.mail_attempts, len(smtp_server.messages)) == (Notification.Mail.SENT, 3, 1)


def test_after_the_last_retry_the_failure_is_recorded_and_shown(client, organisation, approver, smtp_server):
    _notify(organisation, [approver])
    row = Notification.objects.get()
    smtp_server.refuse = 100

    deliver.apply(args=[row.pk])

    row.refresh_from_db()
    assert (row.mail, row.mail_attempts) == (Notification.Mail.FAILED, 9) and "451" in row.mail_error
    assert smtp_server.messages == []
    client.force_login(approver)
    assert "the email could not be sent" in client.get("/notifications/").content.decode()


def test_the_sweep_sends_what_a_lost_task_or_a_dead_worker_left(organisation, approver, smtp_server):
    from datetime import timedelta

    from django.utils import timezone

    _notify(organisation, [approver])
    _notify(organisation, [approver], key="event:2")
    lost, abandoned = Notification.objects.order_by("pk")
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    Notification.objects.filter(pk=abandoned.pk).update(mail_attempts=1,
                                                        claimed_at=timezone.now() - timedelta(minutes=6))

    assert sorted(services.notifications_unsent(older_than_seconds=120)) == [lost.pk, abandoned.pk]
    for pk in services.notifications_unsent(older_than_seconds=120):
        deliver.apply(args=[pk])

    assert len(smtp_server.messages) == 2
    assert sweep.apply().get() == 0


def test_none_means_only_the_bell_but_mandatory_failures_still_mail(organisation, administrator, smtp_server):
    services.preference_set(user=administrator, organisation_id=organisation.pk, delivery="none")

    _notify(organisation, [administrator], key="event:ordinary")
    _notify(organisation, [administrator], key="event:failure", mandatory=True)

    rows = dict(Notification.objects.values_list("key", "mail"))
    assert rows == {"event:ordinary": "not_sent", "event:failure": "pending"}


def test_a_digest_leaves_at_the_person_s_hour_in_their_time_zone(organisation, approver, smtp_server):
    services.preference_set(user=approver, organisation_id=organisation.pk, delivery="digest", digest_hour=8,
                            time_zone="America/New_York")
    _notify(organisation, [approver], key="event:1")
    _notify(organisation, [approver], key="event:2")
    assert set(Notification.objects.values_list("mail", flat=True)) == {"digest"}
    new_york = ZoneInfo("America/New_York")

    with time_machine.travel(datetime(2026, 12, 7, 7, 59, tzinfo=new_york), tick=False):
        assert services.digests_due() == []
    with time_machine.travel(datetime(2026, 12, 7, 8, 0, tzinfo=new_york), tick=False):
        due = services.digests_due()
        assert services.digests_due() == []
    from approvalmax.notifications.tasks import deliver_digest

    assert deliver_digest.apply(args=[due[0]]).get() is True
    assert deliver_digest.apply(args=[due[0]]).get() is False

    assert len(smtp_server.messages) == 1
    digest = smtp_server.messages[0]
    assert digest["Subject"] == "Demo Trading Ltd: 2 updates for you today"
    assert digest.get_body(preferencelist=("plain",)).get_content().count("Approval needed: Acme") == 2
    assert set(Notification.objects.values_list("mail", flat=True)) == {"sent"}
    assert Digest.objects.get().day.isoformat() == "2026-12-07"
    assert send_digests.apply().get() == 0


def test_a_subject_with_line_breaks_is_sent_on_one_line(organisation, approver, smtp_server):
    services.notify(organisation_id=organisation.pk, key="event:9",
                    messages={approver.pk: _message("Approval needed: Acme\r\nBcc: someone@else.example")})

    deliver.apply(args=[Notification.objects.get().pk])

    [message] = smtp_server.messages
    assert message["Subject"] == "Approval needed: Acme Bcc: someone@else.example" and message["Bcc"] is None


def test_a_message_that_can_never_be_sent_fails_at_once_and_says_why(organisation, approver, smtp_server):
    approver.email = "not an address\n"
    approver.save()
    _notify(organisation, [approver])
    row = Notification.objects.get()

    assert deliver.apply(args=[row.pk]).get() is False

    row.refresh_from_db()
    assert row.mail == Notification.Mail.FAILED and row.mail_attempts == 1 and row.mail_error
    assert smtp_server.messages == []
