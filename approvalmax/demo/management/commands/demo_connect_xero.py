import time

import requests
from django.core.management.base import BaseCommand, CommandError

from approvalmax.core.models import Organisation
from approvalmax.demo.data import ADMINISTRATOR, PASSWORD
from approvalmax.demo.web_client import WebClient
from xero_integration.models import XeroConnection


class Command(BaseCommand):
    help = "Connect the demo organisation to the Xero sandbox through the real OAuth flow, once the server is up."

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")
        parser.add_argument("--wait", type=float, default=60.0, help="seconds to wait for the web server")

    def handle(self, *args, base_url, wait, **options):
        organisation = Organisation.objects.get(slug="demo")
        if XeroConnection.objects.filter(organisation=organisation, status=XeroConnection.Status.CONNECTED).exists():
            self.stdout.write("The demo organisation is already connected to the Xero sandbox.")
            return
        client = WebClient(base_url)
        deadline = time.monotonic() + wait
        while True:
            try:
                client.session.get(client.url("/login/"), timeout=2)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise CommandError(f"The web server at {base_url} did not come up.") from None
                time.sleep(0.5)
        client.log_in(ADMINISTRATOR.username, PASSWORD)
        client.connect_xero(organisation.slug)
        connection = XeroConnection.objects.filter(organisation=organisation).first()
        if connection is None:
            raise CommandError("Connecting Xero failed; see the web server's log.")
        self.stdout.write(self.style.SUCCESS(
            f"Connected the demo organisation to the Xero sandbox ({connection.tenant_name}); "
            f"the worker is syncing master data. Open {base_url}/"
        ))
