from django.core.management.base import BaseCommand, CommandError

from approvalmax.core.audit_chain import chain_verify


class Command(BaseCommand):
    help = "Walk every organisation's audit chain and name the first event that does not verify."

    def handle(self, *args, **options):
        chains, events, problems = chain_verify()
        for problem in problems:
            self.stderr.write(f"Does not verify: {problem}")
        if problems:
            raise CommandError(f"{len(problems)} of {chains} audit chains do not verify.")
        self.stdout.write(f"All {chains} audit chains verify ({events} events).")
