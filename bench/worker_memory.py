"""A worker's memory while it renders the audit reports of, and publishes, BILLS bills.

One prefork worker (one child) of the production-like stack (bench/stack.py) consumes the reports
and publishing queues. BILLS bills go through the real path: created by the engine, approved (the
organisation's workflow has no step, so each is auto-approved), the report rendered by its task,
then published to the Xero sandbox (its minute shrunk by SCALE so that Xero is not what the run
waits for). The resident memory of the worker's child, the process that renders and publishes,
is sampled every second (the main process only hands out tasks, and most of its pages are the
child's too, so the two are not added); printed are the child's RSS at start, at every tenth of
the bills published, and the peak, with the peak's ratio to the start, and the main process's.
Target: the peak stays at or under 250 MB.

    .venv/bin/python bench/worker_memory.py [BILLS] [SCALE] [--no-recycling]

--no-recycling runs the same with children never replaced, the contrast that shows why they are.
"""

import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402
from tenants import connected_organisations  # noqa: E402

TARGET_MB = 250


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except FileNotFoundError:  # a child replaced between listing and reading
        pass
    return 0.0


class Sampler(threading.Thread):
    def __init__(self, run: stack.Stack, name: str) -> None:
        super().__init__(daemon=True)
        self.stack, self.worker, self.samples, self.stopped = run, name, [], threading.Event()

    def run_once(self) -> float:
        main, *children = self.stack.pids(self.worker)
        value = max((_rss_mb(child) for child in children), default=0.0)
        self.main = _rss_mb(main)
        self.samples.append(value)
        return value

    def run(self) -> None:
        while not self.stopped.wait(1.0):
            self.run_once()


def main(bills: int, scale: float, recycling: bool) -> None:
    settings = {"XERO_SANDBOX_TIME_SCALE": str(scale), "XERO_RATE_TIME_SCALE": str(scale),
                "PUBLISH_SWEEP_GRACE_SECONDS": "3600"}
    if not recycling:
        settings |= {"CELERY_WORKER_MAX_TASKS_PER_CHILD": "0", "CELERY_WORKER_MAX_MEMORY_PER_CHILD": "0"}
    environment = stack.prepare(**settings)
    workers = {"memory": ("reports,publishing", 1), "other": ("sync,mail,celery", 1)}
    with stack.Stack(environment, workers=workers) as run:
        from approvalmax.core.models import Organisation
        from tests.builders import pdf_document
        from tests.xero_integration.helpers import synced_bill_content
        from workflows import services as workflow_services
        from workflows.models import ApprovalRequest

        [organisation_id] = connected_organisations(1)
        organisation = Organisation.objects.get(pk=organisation_id)
        sampler = Sampler(run, "worker-memory")
        start = sampler.run_once()
        sampler.start()
        began = time.monotonic()
        for n in range(bills):
            workflow_services.request_create(
                organisation=organisation, document=pdf_document(f"M-{n}.pdf"),
                content=synced_bill_content(organisation, invoice_number=f"M-{n}", source_reference=f"M-{n}"))
        published, marks = 0, []
        while published < bills and time.monotonic() - began < 3600:
            time.sleep(2)
            published = ApprovalRequest.objects.filter(state=ApprovalRequest.State.PUBLISHED).count()
            while len(marks) < 10 and published >= (len(marks) + 1) * bills / 10:
                marks.append((published, sampler.samples[-1] if sampler.samples else start))
        sampler.stopped.set()
        peak = max(sampler.samples or [start])
        print(f"{published}/{bills} bills rendered and published in {time.monotonic() - began:.0f} s by one prefork "
              f"worker (one child), recycling {'on (200 tasks or 200 MB a child)' if recycling else 'OFF'}")
        print("child's RSS (MB) at start", f"{start:.0f}, then by bills published",
              " ".join(f"{n}:{mb:.0f}" for n, mb in marks), f" peak {peak:.0f}  ratio to start {peak / start:.2f}"
              f"  (main process {sampler.main:.0f})")
        print(f"target (peak ≤ {TARGET_MB} MB):", "met" if peak <= TARGET_MB else "NOT met")


if __name__ == "__main__":
    numbers = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(numbers[0]) if numbers else 1000, float(numbers[1]) if len(numbers) > 1 else 0.05,
         recycling="--no-recycling" not in sys.argv)
