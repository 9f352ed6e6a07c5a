"""A real SMTP server in the test process (aiosmtpd), and a way to run what would have gone to
the workers: announcing audit events and delivering the outbox."""

import email
import socket
from email.policy import default

import pytest
from aiosmtpd.controller import Controller


class Caught:
    """What the server received, parsed."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.refuse = 0  # how many messages to refuse before accepting again

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse:
            self.refuse -= 1
            return "451 Try again later"
        self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content, policy=default))
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if address in m["To"]]

    @staticmethod
    def text(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def html(message) -> str:
        return message.get_body(preferencelist=("html",)).get_content()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    caught = Caught()
    port = free_port()
    controller = Controller(caught, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    caught.port = port
    yield caught
    controller.stop()


@pytest.fixture
def deliver_mail(smtp_server):
    """Run what the workers would: announce every audit event, then mail every pending row."""
    from approvalmax.notifications.models import Notification
    from approvalmax.notifications.tasks import deliver
    from workflows.models import AuditEvent
    from workflows.notices import event_announce
    from workflows.trail import ANNOUNCED

    def run() -> list:
        before = len(smtp_server.messages)
        for pk in AuditEvent.objects.filter(action__in=ANNOUNCED).order_by("pk").values_list("pk", flat=True):
            event_announce(event_id=pk)
        for pk in Notification.objects.filter(mail=Notification.Mail.PENDING).values_list("pk", flat=True):
            deliver.apply(args=[pk])
        return smtp_server.messages[before:]

    return run
