"""Figures read from an organisation's accounting system into a table of ours (budgets, exchange
rates), with the same bookkeeping: when they were last read, and why not when they could not be;
and the administrators' "read it now" button."""

from collections.abc import Callable

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect
from django.utils import timezone

from approvalmax.core import accounting
from approvalmax.core.accounting import AccountingDataUnavailable


def accounting_read(policy, *, read: Callable[[], list], write: Callable[[list], int]) -> int | None:
    """`read()` from the system (outside any transaction: it calls the system), then `write()` what
    it gave and stamp `policy.synced_at`, together; or keep the reason on `policy.sync_error`."""
    try:
        figures = read()
    except AccountingDataUnavailable as exc:
        policy.sync_error = exc.message
        policy.save(update_fields=["sync_error"])
        return None
    with transaction.atomic():
        count = write(figures)
        policy.synced_at, policy.sync_error = timezone.now(), ""
        policy.save(update_fields=["synced_at", "sync_error"])
    return count


def read_now(request, organisation, *, wanted: bool, task, what: str, page: str):
    """Enqueue `task` for the organisation when its figures come from a connected system."""
    if not wanted or accounting.system_for(organisation.pk) is None:
        messages.error(request, f"{what.capitalize()} are read only from a connected accounting system, when "
                                "that is where they come from.")
    else:
        task.delay(organisation.pk)
        messages.success(request, f"The {what} are being read from the accounting system; reload in a minute.")
    return redirect(page, slug=organisation.slug)
