"""Which approved requests a publisher takes next, alike for every accounting system's adapter."""

from django.db.models import Exists, QuerySet


def next_batch(approved: QuerySet, started: QuerySet, size: int) -> list:
    """Up to `size` of the `approved` requests in id order: those the accounting system already
    has, alone while any are left; else the next ones. `started` is the adapter's publications that
    its system has begun, filtered on `OuterRef("pk")` and `OuterRef("revision")`.

    A publisher's turn (a few calls, for fairness between tenants) ends mid-batch: were the batch
    refilled at each turn, the requests that took the finished ones' places would be created one
    or two to a call, not a batch's worth."""
    approved = approved.order_by("pk")
    return list(approved.filter(Exists(started))[:size]) or list(approved[:size])
