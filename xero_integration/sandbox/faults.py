"""Switchable fault injection: 5xx answers, slow answers and answers lost after the work was done."""

from django.db.models import F
from django.http import HttpRequest

from xero_integration.sandbox.models import Fault


def fault_take(request: HttpRequest) -> Fault | None:
    """The first armed fault matching this call, with one use taken atomically (so N calls fail, not N + races)."""
    path = request.path.lower()
    for fault in Fault.objects.filter(remaining__gt=0).order_by("pk"):
        if fault.method and fault.method.upper() != request.method:
            continue
        if fault.path_contains and fault.path_contains.lower() not in path:
            continue
        if Fault.objects.filter(pk=fault.pk, remaining__gt=0).update(remaining=F("remaining") - 1):
            return fault
    return None


def fault_arm(*, kind: str, method: str = "", path_contains: str = "", times: int = 1, delay: float = 0) -> Fault:
    return Fault.objects.create(kind=kind, method=method, path_contains=path_contains, remaining=times, delay=delay)
