from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from workflows.diagram import states_markdown

DEFAULT_PATH = Path(settings.BASE_DIR) / "docs" / "states.md"


class Command(BaseCommand):
    help = "Write the approval request state diagram (Mermaid) to docs/states.md."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=DEFAULT_PATH)

    def handle(self, *args, output: Path, **options):
        output.write_text(states_markdown(), encoding="utf-8")
        self.stdout.write(f"Wrote {output}")
