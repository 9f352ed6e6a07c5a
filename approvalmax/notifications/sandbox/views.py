"""What the mail catcher caught, for people signed in to the demo: every message, its text with
the links clickable, and its HTML part on its own (served with a sandboxing CSP)."""

from email.message import Message
from email.utils import parsedate_to_datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from approvalmax.notifications.sandbox.catcher import message, messages


def _part(mail: Message, content_type: str) -> str:
    for part in mail.walk():
        if part.get_content_type() == content_type and not part.is_multipart():
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8", "replace")
    return ""


def _summary(key: str, mail: Message) -> dict:
    return {"key": key, "subject": mail.get("Subject", ""), "to": mail.get("To", ""), "from": mail.get("From", ""),
            "date": parsedate_to_datetime(mail["Date"]) if mail.get("Date") else None}


@login_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    caught = [_summary(key, mail) for key, mail in messages(settings.MAIL_CATCHER_DIR)[:200]]
    return render(request, "mail_sandbox/inbox.html", {"messages": caught})


def _message(key: str) -> Message:
    if "/" in key or key.startswith("."):
        raise Http404("No such message.")
    mail = message(settings.MAIL_CATCHER_DIR, key)
    if mail is None:
        raise Http404("No such message.")
    return mail


@login_required
@require_safe
def message_detail(request: HttpRequest, key: str) -> HttpResponse:
    mail = _message(key)
    return render(request, "mail_sandbox/message.html", {
        "message": _summary(key, mail), "text": _part(mail, "text/plain"), "has_html": bool(_part(mail, "text/html")),
        "headers": [(name, value) for name, value in mail.items() if name.startswith(("List-", "Auto-", "X-Envelope"))],
    })  # fmt: skip


@login_required
@require_safe
def message_html(request: HttpRequest, key: str) -> HttpResponse:
    response = HttpResponse(_part(_message(key), "text/html"), content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = "sandbox allow-popups allow-top-navigation-by-user-activation; default-src 'none'; style-src 'unsafe-inline'"
    return response
