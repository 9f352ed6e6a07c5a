from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from approvalmax.demo.data import ADMINISTRATOR, APPROVERS, PASSWORD, demo_organisation_load, demo_services_load
from dext_integration.services import dext_connection_create


class Command(BaseCommand):
    help = "Load the demo organisations, people, workflows and sandboxes. Safe to run again."

    def handle(self, *args, **options):
        organisation = demo_organisation_load()
        services = demo_services_load()
        if settings.XERO_SANDBOX:
            call_command("xero_sandbox_seed", verbosity=0)
        if settings.QBO_SANDBOX:
            call_command("quickbooks_sandbox_seed", verbosity=0)
        # Keys are stored hashed, so they cannot be shown again: each run issues fresh ones and
        # revokes the old; the Dext sandbox holds both, as a Dext practice would, and publishes to
        # the Xero organisation until another is chosen on its page.
        _, key = dext_connection_create(organisation=organisation, account_name="Dext sandbox")
        _, services_key = dext_connection_create(organisation=services, account_name="Dext sandbox")
        if settings.DEXT_SANDBOX:
            for linked, linked_key in ((services, services_key), (organisation, key)):
                call_command("dext_sandbox_link", api_key=linked_key, name=linked.name, verbosity=0,
                             base_url=f"{settings.PUBLIC_BASE_URL}/api/dext/v1/")
        base = settings.PUBLIC_BASE_URL
        logins = "\n".join(f"    {p.username:<6} / {PASSWORD}   ({p.role})" for p in [ADMINISTRATOR, *APPROVERS])
        self.stdout.write(self.style.SUCCESS(
            f"\nApprovalMax demo: {base}/\n"
            f"  Logins (members of both organisations):\n{logins}\n"
            f"  Dext sandbox (publish a bill to either organisation): {base}/sandbox/dext/\n"
            f"  Xero sandbox (see the bills):  {base}/sandbox/xero/\n"
            f"  QuickBooks Online sandbox:     {base}/sandbox/quickbooks/\n"
            f"  Mail the demo sent (approvers' emails with their Approve and Reject links): {base}/sandbox/mail/\n"
            f"  Dext API key for {organisation.name} (Xero):\n    {key}\n"
            f"  Dext API key for {services.name} (QuickBooks Online):\n    {services_key}\n"
        ))
