from django.core.management.base import BaseCommand

from xero_integration.sandbox.seed import seed_demo_tenant


class Command(BaseCommand):
    help = "Create the Xero sandbox's demo organisation (idempotent)."

    def handle(self, *args, **options):
        organisation = seed_demo_tenant()
        self.stdout.write(f"Xero sandbox organisation {organisation.name!r}, tenant id {organisation.organisation_id}")
