from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from approvalmax.demo.data import ADMINISTRATOR, APPROVERS, PASSWORD, demo_organisation_load
from dext_integration.services import dext_connection_create


class Command(BaseCommand):
    help = "Load the demo organisation, people, workflow and sandboxes. Safe to run again."

    def handle(self, *args, **options):
        organisation = demo_organisation_load()
        if settings.XERO_SANDBOX:
            call_command("xero_sandbox_seed", verbosity=0)
        # The key is stored hashed, so it cannot be shown again: each run issues a fresh one,
        # revokes the old one, and hands it to the Dext sandbox as Dext itself would hold it.
        _, key = dext_connection_create(organisation=organisation, account_name="Dext sandbox")
        if settings.DEXT_SANDBOX:
            call_command("dext_sandbox_link", api_key=key, base_url=f"{settings.PUBLIC_BASE_URL}/api/dext/v1/",
                         name=organisation.name, verbosity=0)
        base = settings.PUBLIC_BASE_URL
        logins = "\n".join(f"    {p.username:<6} / {PASSWORD}   ({p.role})" for p in [ADMINISTRATOR, *APPROVERS])
        self.stdout.write(self.style.SUCCESS(
            f"\nApprovalMax demo: {base}/\n"
            f"  Logins:\n{logins}\n"
            f"  Dext sandbox (publish a bill): {base}/sandbox/dext/\n"
            f"  Xero sandbox (see the bills):  {base}/sandbox/xero/\n"
            f"  Dext API key for {organisation.name} (try the API with curl):\n    {key}\n"
        ))
