"""A real Celery worker that SIGKILLs its whole process group at one point of a publish, as an
out-of-memory kill or a pulled plug would: `python -m tests.e2e.dying_worker <point>`."""

import os
import signal
import sys

import django

django.setup()

from approvalmax.celery import app  # noqa: E402
from xero_integration.client import XeroAccounting  # noqa: E402


def _die() -> None:
    os.killpg(os.getpgrp(), signal.SIGKILL)


def _after(name: str):
    original = getattr(XeroAccounting, name)

    def call_then_die(self, *args, **kwargs):
        original(self, *args, **kwargs)
        _die()

    setattr(XeroAccounting, name, call_then_die)


def _before(name: str):
    setattr(XeroAccounting, name, lambda self, *args, **kwargs: _die())


POINTS = {
    "after_bill": lambda: _after("put_invoices"),
    "after_first_attachment": lambda: _after("put_attachment"),
    "before_payment": lambda: _before("put_payments"),
}

if __name__ == "__main__":
    POINTS[sys.argv[1]]()
    app.worker_main(["worker", "--pool=prefork", "--concurrency=1", "--loglevel=WARNING",
                     "--without-gossip", "--without-mingle"])
