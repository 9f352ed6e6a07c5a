"""Telling people: notifications are written with the change that caused them and mailed on
commit; the mail leaves from a task, outside any transaction, at most once per row."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from approvalmax.core.models import Membership
from approvalmax.notifications.models import Delivery, Digest, Notification, Preference

# A claim older than this belongs to a worker that died while sending: the sweep sends again.
CLAIM_SECONDS = 300


@dataclass(frozen=True)
class Message:
    kind: str
    subject: str
    text: str
    html: str
    url: str = ""


def _deliveries(organisation_id: int, user_ids: Iterable[int]) -> dict[int, str]:
    chosen = Preference.objects.filter(organisation_id=organisation_id, user_id__in=list(user_ids))
    return dict(chosen.values_list("user_id", "delivery"))


def _one_line(text: str) -> str:
    """A subject from a supplier's name may carry line breaks; a header must not."""
    return " ".join(text.split())[:300]


def _mail_state(delivery: str, *, mandatory: bool, has_email: bool) -> str:
    if not has_email:
        return Notification.Mail.NOT_SENT
    if mandatory or delivery == Delivery.EACH:
        return Notification.Mail.PENDING
    return Notification.Mail.DIGEST if delivery == Delivery.DIGEST else Notification.Mail.NOT_SENT


def notify(*, organisation_id: int, key: str, messages: dict[int, Message], mandatory: bool = False) -> int:
    """One notification per person for the event `key`, each with its own message; mailed once the
    caller's transaction commits. Telling someone twice of one event does nothing. Returns how many
    were new."""
    if not messages:
        return 0
    users = dict(get_user_model().objects.filter(pk__in=messages, is_active=True).values_list("pk", "email"))
    deliveries = _deliveries(organisation_id, users)
    rows = [
        Notification(organisation_id=organisation_id, recipient_id=user_id, key=key, kind=message.kind,
                     subject=_one_line(message.subject), body_text=message.text, body_html=message.html, url=message.url,
                     mandatory=mandatory,
                     mail=_mail_state(deliveries.get(user_id, Delivery.EACH), mandatory=mandatory,
                                      has_email=bool(users[user_id])))
        for user_id, message in messages.items() if user_id in users
    ]  # fmt: skip
    with transaction.atomic():
        existing = set(Notification.objects.filter(key=key, recipient_id__in=users).values_list("recipient_id", flat=True))
        new = [row for row in rows if row.recipient_id not in existing]
        Notification.objects.bulk_create(new, ignore_conflicts=True)
        to_send = list(Notification.objects.filter(key=key, recipient_id__in=[r.recipient_id for r in new],
                                                   mail=Notification.Mail.PENDING).values_list("pk", flat=True))
        if to_send:
            transaction.on_commit(lambda: _enqueue(to_send))
    return len(new)


def administrators_notify(*, organisation_id: int, key: str, message: Message) -> int:
    """Failures administrators must hear of: mailed whatever they chose."""
    administrators = Membership.objects.filter(organisation_id=organisation_id, role=Membership.Role.ADMINISTRATOR)
    ids = administrators.values_list("user_id", flat=True)
    return notify(organisation_id=organisation_id, key=key, messages={pk: message for pk in ids}, mandatory=True)


def administrators_alert(*, organisation_id: int, topic: str, headline: str, detail: str, url: str) -> int:
    """A connection or Dext failure, told to administrators whatever they chose, at most once a day
    per topic (a sync that fails every five minutes is one email, not three hundred)."""
    from django.template.loader import render_to_string

    key = f"alert:{topic}:{timezone.now().date().isoformat()}"
    html = render_to_string("notifications/alert.html", {"headline": headline, "detail": detail, "url": url})
    message = Message(kind="administration", subject=headline, text=f"{headline}\n\n{detail}\n\n{url}", html=html,
                      url=url)
    return administrators_notify(organisation_id=organisation_id, key=key, message=message)


def reconnect_alert(*, organisation, topic: str, system_name: str, connection_url: str) -> int:
    """An accounting system no longer accepts our connection: administrators hear of it once a day."""
    return administrators_alert(
        organisation_id=organisation.pk, topic=topic, headline=f"{organisation.name}: {system_name} needs reconnecting",
        detail=f"{system_name} no longer accepts our connection to {organisation.name}, so approved bills cannot be "
               "published and master data does not refresh until an administrator reconnects.",
        url=connection_url)


def _enqueue(notification_ids: list[int]) -> None:
    from approvalmax.notifications.tasks import deliver

    for pk in notification_ids:
        deliver.delay(pk)


def _claimable(now) -> Q:
    return Q(mail=Notification.Mail.PENDING, sent_at__isnull=True) & (
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - timedelta(seconds=CLAIM_SECONDS)))


def notification_claim(*, notification_id: int) -> Notification | None:
    """Take the row for one sending attempt, or None when it is sent, not to be mailed, or being
    sent by another worker right now."""
    now = timezone.now()
    claimed = Notification.objects.filter(Q(pk=notification_id) & _claimable(now)).update(
        claimed_at=now, mail_attempts=F("mail_attempts") + 1)
    if not claimed:
        return None
    return Notification.objects.select_related("recipient", "organisation").get(pk=notification_id)


def notification_mark_sent(*, notification_id: int) -> None:
    Notification.objects.filter(pk=notification_id).update(mail=Notification.Mail.SENT, sent_at=timezone.now(),
                                                           mail_error="", claimed_at=None)


def notification_release(*, notification_id: int, error: str, final: bool) -> None:
    """An attempt failed: the row waits for the retry, or, after the last one, says why it failed."""
    Notification.objects.filter(pk=notification_id, sent_at__isnull=True).update(
        claimed_at=None, mail_error=error[:2000], mail=Notification.Mail.FAILED if final else Notification.Mail.PENDING)


def notifications_unsent(*, older_than_seconds: float) -> list[int]:
    """Rows whose task was lost (a broker restart) or whose worker died mid-send."""
    now = timezone.now()
    # A row between attempts (tried, unclaimed) belongs to its retry, which is waiting out its backoff.
    lost = Q(mail_attempts=0, claimed_at__isnull=True) | Q(claimed_at__lt=now - timedelta(seconds=CLAIM_SECONDS))
    waiting = Notification.objects.filter(lost, mail=Notification.Mail.PENDING, sent_at__isnull=True,
                                          created_at__lt=now - timedelta(seconds=older_than_seconds))
    return list(waiting.order_by("pk").values_list("pk", flat=True)[:1000])


def notification_open(*, notification_id: int, user) -> Notification:
    notification = Notification.objects.get(pk=notification_id, recipient=user)
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=timezone.now())
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def preference_set(*, user, organisation_id: int, delivery: str, digest_hour: int | None = None,
                   time_zone: str | None = None) -> Preference:
    preference, _ = Preference.objects.select_for_update().get_or_create(user=user, organisation_id=organisation_id)
    if preference.delivery == Delivery.DIGEST and delivery != Delivery.DIGEST:
        # What waited for the digest stays under the bell; it is not sent one by one later.
        Notification.objects.filter(recipient=user, organisation_id=organisation_id,
                                    mail=Notification.Mail.DIGEST).update(mail=Notification.Mail.NOT_SENT)
    preference.delivery = delivery
    if digest_hour is not None:
        preference.digest_hour = digest_hour
    if time_zone is not None:
        preference.time_zone = time_zone
    preference.save()
    return preference


def digests_due(*, now=None) -> list[int]:
    """Open a digest for everyone whose digest hour has come today, in their time zone, with
    something waiting; return the new digests' ids, to be sent once this commits."""
    from zoneinfo import ZoneInfo

    now = now or timezone.now()
    due = []
    waiting = Notification.objects.filter(mail=Notification.Mail.DIGEST).values_list("recipient_id", "organisation_id")
    pairs = set(waiting.distinct())
    if not pairs:
        return []
    preferences = Preference.objects.filter(delivery=Delivery.DIGEST).select_related("organisation")
    for preference in preferences:
        if (preference.user_id, preference.organisation_id) not in pairs:
            continue
        local = now.astimezone(ZoneInfo(preference.time_zone or preference.organisation.timezone))
        if local.hour < preference.digest_hour:
            continue
        with transaction.atomic():
            digest, created = Digest.objects.get_or_create(user_id=preference.user_id,
                                                           organisation_id=preference.organisation_id,
                                                           day=local.date())
            if not created:
                continue
            Notification.objects.filter(recipient_id=preference.user_id, organisation_id=preference.organisation_id,
                                        mail=Notification.Mail.DIGEST).update(digest=digest)
            due.append(digest.pk)
    return due


def digest_claim(*, digest_id: int) -> Digest | None:
    now = timezone.now()
    claimed = Digest.objects.filter(Q(pk=digest_id, sent_at__isnull=True) & (
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - timedelta(seconds=CLAIM_SECONDS)))).update(
        claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    return Digest.objects.select_related("user", "organisation").get(pk=digest_id)


def digest_mark_sent(*, digest_id: int) -> None:
    with transaction.atomic():
        Digest.objects.filter(pk=digest_id).update(sent_at=timezone.now(), claimed_at=None, error="")
        Notification.objects.filter(digest_id=digest_id, mail=Notification.Mail.DIGEST).update(
            mail=Notification.Mail.SENT, sent_at=timezone.now())


def digest_release(*, digest_id: int, error: str) -> None:
    Digest.objects.filter(pk=digest_id, sent_at__isnull=True).update(claimed_at=None, error=error[:2000])


def organisation_time_set(*, organisation, **values) -> None:
    """The organisation's working week and patience; the configuration audit records the change."""
    for name, value in values.items():
        setattr(organisation, name, value)
    organisation.save(update_fields=list(values))
