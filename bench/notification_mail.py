"""Notifications for REQUESTS requests arriving at once, through real workers, to a local SMTP server.

The production-like stack (bench/stack.py) runs with EMAIL_URL pointing at an SMTP server started
here (aiosmtpd, in this process); its workers consume the default and mail queues. REQUESTS bills
are created by the engine in one burst; each starts a one-step workflow that waits for any one of
APPROVERS approvers, so every approver is due exactly one "Approval needed" message per request.
The burst is created before the workers start, so its announcements wait in the broker. Printed: how
long the burst took to create, how long the workers took to send every message, messages a second,
and whether each approver got exactly the messages due (no more, no fewer, no repeat).
Reference, in the same run: the same number of messages sent by one process straight to the same
server over Django's SMTP backend, one connection per message as our tasks do.

    .venv/bin/python bench/notification_mail.py [REQUESTS] [APPROVERS] [WORKER_PROCESSES]
"""

import email
import sys
import threading
import time
from collections import Counter
from email.policy import default
from pathlib import Path

from aiosmtpd.controller import Controller

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402


class Counting:
    def __init__(self) -> None:
        self.by_recipient: Counter = Counter()
        self.subjects: Counter = Counter()
        self.lock = threading.Lock()
        self.last = 0.0

    async def handle_DATA(self, server, session, envelope) -> str:
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=default)
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.by_recipient[recipient] += 1
                self.subjects[(recipient, str(message["Subject"]))] += 1
            self.last = time.monotonic()
            return "250 OK"

    def total(self) -> int:
        return sum(self.by_recipient.values())


def _reference(port: int, count: int) -> float:
    from django.core.mail import EmailMultiAlternatives, get_connection

    began = time.monotonic()
    for n in range(count):
        connection = get_connection("django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port)
        mail = EmailMultiAlternatives(f"Reference {n}", "text " * 200, "approvals@localhost", ["ref@example.com"],
                                      connection=connection)
        mail.attach_alternative("<p>" + "html " * 300 + "</p>", "text/html")
        mail.send()
    return time.monotonic() - began


def main(requests: int, approvers: int, processes: int) -> None:
    counting = Counting()
    smtp = Controller(counting, hostname="127.0.0.1", port=stack._free_port())
    smtp.start()
    # Documents on the local disk: the burst is stored before the stack (and its S3 stand-in) starts.
    environment = stack.prepare(EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}", S3_BUCKET="")
    from django.contrib.auth import get_user_model

    from approvalmax.core.models import Membership, Organisation
    from tests.builders import bill_content, pdf_document
    from tests.factories import chart_of_accounts, one_step_workflow
    from workflows import services

    organisation = Organisation.objects.create(name="Bench Mail Ltd", slug="bench-mail")
    people = [get_user_model().objects.create_user(f"approver{n}", f"approver{n}@example.com", "x")
              for n in range(approvers)]
    for person in people:
        Membership.objects.create(organisation=organisation, user=person)
    one_step_workflow(organisation, people)
    master = chart_of_accounts(organisation)
    document = pdf_document()
    # The burst arrives before any worker runs: its announcements wait in the broker, as they would
    # behind a flood, and the run measures the workers working through them.
    began = time.monotonic()
    for n in range(requests):
        services.request_create(organisation=organisation, document=document,
                                content=bill_content(master, invoice_number=f"B-{n}", source_reference=f"B-{n}"))
    created = time.monotonic() - began
    due = requests * approvers
    with stack.Stack(environment, web_workers=1, workers={"mail": ("celery,mail", processes)}, beat=False):
        started = time.monotonic()
        deadline = started + 600
        while counting.total() < due and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(3.0)  # anything extra (a repeat) would arrive now
        received = counting.total()
        elapsed = counting.last - started
        ours = received / elapsed if elapsed > 0 else 0.0
    reference_seconds = _reference(smtp.port, min(due, 2000))
    reference = min(due, 2000) / reference_seconds
    smtp.stop()
    exact = all(counting.by_recipient[p] == requests for p in (f"approver{n}@example.com" for n in range(approvers)))
    repeats = sum(1 for count in counting.subjects.values() if count > 1)
    print(f"requests {requests}, approvers {approvers}, worker processes {processes}")
    print(f"burst created in {created:.1f} s; the workers sent every message in {elapsed:.1f} s")
    print(f"messages received {received} of {due} due; repeated subjects {repeats}; "
          f"each approver got exactly the messages due: {'yes' if exact else 'NO'}")
    print(f"throughput {ours:.1f} messages/s (announcing, rendering with action links, SMTP); reference (one process sending straight over SMTP) "
          f"{reference:.1f} messages/s; ratio {ours / reference:.2f}")


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:]]
    main(*(arguments + [1000, 2, 4][len(arguments):]))
