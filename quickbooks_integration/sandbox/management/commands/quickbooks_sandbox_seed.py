from django.core.management.base import BaseCommand

from quickbooks_integration.sandbox.seed import DEMO_NAME, DEMO_REALM, company_seed


class Command(BaseCommand):
    help = "Create the QuickBooks Online sandbox's demo company (GBP, VAT) unless it exists."

    def add_arguments(self, parser):
        parser.add_argument("--realm", default=DEMO_REALM)
        parser.add_argument("--name", default=DEMO_NAME)

    def handle(self, *args, realm: str, name: str, **options):
        company, created = company_seed(realm_id=realm, name=name)
        verb = "Created" if created else "Kept"
        self.stdout.write(f"{verb} QuickBooks sandbox company '{company.name}', realm {company.realm_id}")
