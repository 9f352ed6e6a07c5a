"""What people are told: one row per person and event, shown under the bell and sent by mail
(at once, in a daily digest, or not at all, as the person chose). The row is also the outbox:
a task that runs twice finds it sent and sends nothing."""

from django.conf import settings
from django.db import models

from approvalmax.core.models import Organisation


class Delivery(models.TextChoices):
    EACH = "each", "An email for each"
    DIGEST = "digest", "One daily digest"
    NONE = "none", "No email (only under the bell)"


class Preference(models.Model):
    """How one person wants to hear from one organisation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    delivery = models.CharField(max_length=6, choices=Delivery.choices, default=Delivery.EACH)
    digest_hour = models.PositiveSmallIntegerField(default=8, help_text="Local hour of the daily digest, 0 to 23.")
    time_zone = models.CharField(max_length=64, blank=True, help_text="Empty: the organisation's.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_preference_per_person"),
            models.CheckConstraint(condition=models.Q(digest_hour__lte=23), name="digest_hour_of_the_day"),
        ]


class Digest(models.Model):
    """One person's daily email for one organisation: what waited for it since the last."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation", "day"], name="one_digest_a_day")]


class Notification(models.Model):
    class Mail(models.TextChoices):
        PENDING = "pending", "To send"
        DIGEST = "digest", "Waiting for the digest"
        SENT = "sent", "Sent"
        NOT_SENT = "not_sent", "Not sent (the person chose no email)"
        FAILED = "failed", "Could not be sent"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    # What happened, once: "event:<audit event id>:<kind>", "reminder:<request>:<day>"; with the
    # recipient, unique, so that announcing the same event twice tells nobody twice.
    key = models.CharField(max_length=120)
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField()
    url = models.URLField(max_length=500, blank=True)
    mandatory = models.BooleanField(default=False, help_text="Failures administrators are told of whatever they chose.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    mail = models.CharField(max_length=10, choices=Mail.choices, default=Mail.PENDING)
    mail_attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    mail_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    digest = models.ForeignKey(Digest, on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="one_notification_per_event")]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notifications_newest_first"),
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notifications_unread"),
            models.Index(fields=["recipient", "organisation"], condition=models.Q(mail="digest"),
                         name="notifications_for_digest"),
        ]

    def __str__(self) -> str:
        return self.subject
