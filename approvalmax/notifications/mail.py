"""Notifications as emails: plain text and HTML, from DEFAULT_FROM_EMAIL, over the connection
EMAIL_URL configures, with a List-Unsubscribe header that leads to the person's preferences."""

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

from approvalmax.notifications.models import Digest, Notification

_UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def unsubscribe_token(*, user_id: int, organisation_id: int) -> str:
    return signing.dumps({"u": user_id, "o": organisation_id}, salt=_UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_read(token: str) -> tuple[int, int]:
    """The person and organisation a preferences link names; BadSignature when it was altered."""
    data = signing.loads(token, salt=_UNSUBSCRIBE_SALT)
    return int(data["u"]), int(data["o"])


def preferences_url(*, user_id: int, organisation_id: int) -> str:
    token = unsubscribe_token(user_id=user_id, organisation_id=organisation_id)
    return settings.PUBLIC_BASE_URL + reverse("notifications:unsubscribe", args=[token])


def _email(*, to: str, subject: str, text: str, html: str, user_id: int, organisation_id: int,
           organisation_name: str, connection=None) -> EmailMultiAlternatives:  # fmt: skip
    unsubscribe = preferences_url(user_id=user_id, organisation_id=organisation_id)
    context = {"text": text, "html": html, "preferences_url": unsubscribe, "organisation": organisation_name,
               "notifications_url": settings.PUBLIC_BASE_URL + reverse("notifications:list")}
    email = EmailMultiAlternatives(
        subject=subject, body=render_to_string("notifications/email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL, to=[to], connection=connection,
        headers={"List-Unsubscribe": f"<{unsubscribe}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                 "Auto-Submitted": "auto-generated"},
    )  # fmt: skip
    email.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    return email


def notification_email(notification: Notification, connection=None) -> EmailMultiAlternatives:
    return _email(to=notification.recipient.email, subject=notification.subject, text=notification.body_text,
                  html=notification.body_html, user_id=notification.recipient_id,
                  organisation_id=notification.organisation_id, organisation_name=notification.organisation.name,
                  connection=connection)  # fmt: skip


def digest_email(digest: Digest, connection=None) -> EmailMultiAlternatives:
    items = list(digest.notifications.order_by("created_at", "pk"))
    context = {"items": items, "organisation": digest.organisation.name}
    count = len(items)
    return _email(to=digest.user.email,
                  subject=f"{digest.organisation.name}: {count} update{'s' if count != 1 else ''} for you today",
                  text=render_to_string("notifications/digest.txt", context),
                  html=render_to_string("notifications/digest.html", context), user_id=digest.user_id,
                  organisation_id=digest.organisation_id, organisation_name=digest.organisation.name,
                  connection=connection)  # fmt: skip


def send(email: EmailMultiAlternatives) -> None:
    """Over SMTP (or whatever EMAIL_URL names); raises when the server refuses or cannot be reached."""
    email.connection = email.connection or get_connection(fail_silently=False)
    email.send(fail_silently=False)
