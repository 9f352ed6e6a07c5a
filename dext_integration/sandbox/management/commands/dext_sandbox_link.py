from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ...forms import validate_base_url
from ...services import link_save

DEFAULT_NAME = "Dext sandbox account"


class Command(BaseCommand):
    help = "Link the Dext sandbox to an organisation's Dext API key (idempotent; relinking replaces the key)."

    def add_arguments(self, parser):
        parser.add_argument("--api-key", required=True, help="The organisation's Dext API key.")
        parser.add_argument(
            "--base-url",
            default=None,
            help="Our Dext API base URL (default: PUBLIC_BASE_URL + /api/dext/v1/).",
        )
        parser.add_argument("--name", default=DEFAULT_NAME, help=f"Name of the linked account (default: {DEFAULT_NAME}).")

    def handle(self, *args, api_key, base_url, name, **options):
        api_key = api_key.strip()
        if not api_key:
            raise CommandError("--api-key must not be empty.")
        base_url = base_url or f"{settings.PUBLIC_BASE_URL}/api/dext/v1/"
        try:
            validate_base_url(base_url)
        except ValidationError as exc:
            raise CommandError(f"--base-url {base_url!r}: {exc.messages[0]}") from exc
        if not base_url.endswith("/"):
            base_url += "/"
        link, change = link_save(name=name.strip() or DEFAULT_NAME, base_url=base_url, api_key=api_key)
        self.stdout.write(
            self.style.SUCCESS(f"Dext sandbox link {change}: “{link.name}” → {link.base_url} with key {link.masked_key}")
        )
