import time

import requests
from django.core.management.base import BaseCommand, CommandError

from approvalmax.core.models import Organisation
from approvalmax.demo.data import ADMINISTRATOR, PASSWORD, QUICKBOOKS_SLUG
from approvalmax.demo.web_client import WebClient
from quickbooks_integration.models import QuickBooksConnection
from xero_integration.models import XeroConnection

# (organisation slug, connection model, WebClient method, stand-in's name)
DEMO_CONNECTIONS = [("demo", XeroConnection, "connect_xero", "the Xero sandbox"),
                    (QUICKBOOKS_SLUG, QuickBooksConnection, "connect_quickbooks", "the QuickBooks Online sandbox")]


class Command(BaseCommand):
    help = ("Connect the demo organisations to their accounting stand-ins through the real OAuth flows, once "
            "the server is up: Demo Trading Ltd to Xero's, Demo Services Ltd to QuickBooks Online's.")

    def add_arguments(self, parser):
        parser.add_argument("--base-url", default="http://127.0.0.1:8000")
        parser.add_argument("--wait", type=float, default=60.0, help="seconds to wait for the web server")

    def handle(self, *args, base_url, wait, **options):
        client = WebClient(base_url)
        self._wait_for_server(client, base_url, wait)
        client.log_in(ADMINISTRATOR.username, PASSWORD)
        for slug, model, connect, stand_in in DEMO_CONNECTIONS:
            organisation = Organisation.objects.get(slug=slug)
            if model.objects.filter(organisation=organisation, status=model.Status.CONNECTED).exists():
                self.stdout.write(f"{organisation.name} is already connected to {stand_in}.")
                continue
            getattr(client, connect)(organisation.slug)
            if not model.objects.filter(organisation=organisation).exists():
                raise CommandError(f"Connecting {organisation.name} to {stand_in} failed; see the web server's log.")
            self.stdout.write(self.style.SUCCESS(f"Connected {organisation.name} to {stand_in}; the worker is "
                                                 "syncing its master data."))
        self.stdout.write(f"Open {base_url}/")

    @staticmethod
    def _wait_for_server(client: WebClient, base_url: str, wait: float) -> None:
        deadline = time.monotonic() + wait
        while True:
            try:
                client.session.get(client.url("/login/"), timeout=2)
                return
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise CommandError(f"The web server at {base_url} did not come up.") from None
                time.sleep(0.5)
