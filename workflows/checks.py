"""Checks that run before a request's final approval, so the last approver sees a problem before
approving rather than after. The organisation's accounting system is asked first, through the
port; other parts may register checks of their own (from their AppConfig.ready). The request
page asks `problems_before_approval`."""

from collections.abc import Callable

from approvalmax.core import accounting
from workflows.models import ApprovalRequest

Check = Callable[[ApprovalRequest], list[str]]

_checks: list[Check] = []


def register(check: Check) -> Check:
    """Register a check (usable as a decorator); registering the same one twice has no effect."""
    if check not in _checks:
        _checks.append(check)
    return check


def unregister(check: Check) -> None:
    if check in _checks:
        _checks.remove(check)


def problems_before_approval(request: ApprovalRequest, system=accounting.ASK) -> list[str]:
    """The accounting system's problems, then every registered check's, in plain words (`system`:
    the organisation's, when the caller has looked it up)."""
    return accounting.problems_before_approval(request, system) + [problem for check in _checks for problem in check(request)]
