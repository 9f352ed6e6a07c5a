"""Several bills decided in one action from the inbox: each under its own lock, through the same
service as one decision (so segregation of duties, a duplicate's reason and a step that moved on
all still apply), each audited, and each with its own result shown."""

import uuid
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from approvalmax.core.exceptions import ApplicationError
from workflows import services
from workflows.models import ApprovalRequest
from workflows.selectors import requests_visible_to

MOST = 100  # bills in one action


@dataclass
class Outcome:
    label: str
    request: ApprovalRequest | None
    done: bool
    message: str


def _chosen(values: list[str]) -> list[tuple[uuid.UUID, int | None]] | None:
    """"public id:step id" pairs as the inbox sent them; None if any is not one."""
    chosen = []
    for value in values:
        public_id, _, step = value.partition(":")
        try:
            chosen.append((uuid.UUID(public_id), int(step) if step else None))
        except ValueError:
            return None
    return chosen


def _decide_one(user, request: ApprovalRequest, step_id: int | None, decision: str, comment: str) -> Outcome:
    label = f"{request.supplier_name} {request.invoice_number or '(no number)'}"
    try:
        if decision == "approve":
            services.request_approve(request_id=request.pk, user=user, comment=comment, step_id=step_id)
            return Outcome(label, request, True, "Approved.")
        services.request_reject(request_id=request.pk, user=user, comment=comment, step_id=step_id)
        return Outcome(label, request, True, "Rejected.")
    except ApplicationError as exc:
        return Outcome(label, request, False, exc.message)


def _problem(decision: str, comment: str, chosen: list | None) -> str:
    """Why the whole action cannot start; "" when it can."""
    if decision not in ("approve", "reject"):
        return "Choose Approve or Reject."
    if chosen is None:
        return "The selection could not be read: choose the bills again."
    if not chosen:
        return "Choose the bills to decide."
    if len(chosen) > MOST:
        return f"Choose at most {MOST} bills at once."
    if decision == "reject" and not comment:
        return "Rejecting needs a comment saying why."
    return ""


@require_POST
@login_required
def inbox_decide(request: HttpRequest) -> HttpResponse:
    decision = request.POST.get("decision", "")
    comment = request.POST.get("comment", "").strip()
    chosen = _chosen(request.POST.getlist("chosen"))
    problem = _problem(decision, comment, chosen)
    if problem:
        return render(request, "workflows/bulk_result.html", {"problem": problem, "outcomes": []}, status=400)
    visible = {r.public_id: r for r in requests_visible_to(user=request.user)
               .filter(public_id__in=[public_id for public_id, _ in chosen])}
    outcomes = [
        _decide_one(request.user, visible[public_id], step_id, decision, comment) if public_id in visible
        else Outcome(str(public_id), None, False, "No such request.")
        for public_id, step_id in chosen
    ]
    return render(request, "workflows/bulk_result.html",
                  {"outcomes": outcomes, "decision": decision, "done": sum(o.done for o in outcomes)})
