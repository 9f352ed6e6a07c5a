import time

from django.conf import settings
from django.core.management.base import BaseCommand

from approvalmax.notifications.sandbox.catcher import catcher


class Command(BaseCommand):
    help = "Run the demo's mail catcher: an SMTP server that keeps what it receives for /sandbox/mail/."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=settings.MAIL_CATCHER_PORT)

    def handle(self, *args, port: int, **options):
        controller = catcher(settings.MAIL_CATCHER_DIR, port=port)
        controller.start()
        self.stdout.write(f"Mail catcher listening on 127.0.0.1:{port}; messages at /sandbox/mail/")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
