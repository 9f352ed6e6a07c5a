"""The request page: the request as its reader may see it, with everything it shows beside the
decision (its lines, document, trail, route, duplicates, budget, discussion), and the forms of
whoever may decide or edit it. The views that post to it render it again with their form's errors."""

import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from approvalmax.core import accounting
from approvalmax.core.exceptions import NotFound
from approvalmax.core.models import Membership
from approvalmax.core.selectors import role_in
from workflows import checks, credit_allocation, previews, selectors
from workflows.bill_context import bill_context
from workflows.budget_check import budget_check
from workflows.conversion import conversion_text
from workflows.duplicates import FIRST_SHOWN, possible_duplicates, supplier_history
from workflows.forms import (
    ApproveForm,
    CommentForm,
    HoldForm,
    LineChoices,
    LineEditForm,
    LineSplitForm,
    OverrideForm,
    RejectForm,
    ReturnToReviewForm,
)
from workflows.live_views import live_status, system_name_of, web_link
from workflows.models import ApprovalRequest, WorkflowStep
from workflows.route_display import request_route


def visible_request(request: HttpRequest, public_id: uuid.UUID) -> ApprovalRequest:
    # A page that only reads takes the master data and workflow it shows from the process's store.
    try:
        return selectors.request_get_for_user(user=request.user, public_id=public_id,
                                              versioned=request.method == "GET")
    except NotFound as exc:
        raise Http404(exc.message) from exc


def render_detail(
    request: HttpRequest,
    approval_request: ApprovalRequest,
    *,
    approve_form: ApproveForm | None = None,
    reject_form: RejectForm | None = None,
    review_form: ReturnToReviewForm | None = None,
    override_form: OverrideForm | None = None,
    status: int = 200,
) -> HttpResponse:
    record = selectors.request_record(request=approval_request)
    waiting = record.waiting
    step = approval_request.current_step
    # The person's role, read once: whether they administer, and whether they are an auditor.
    role = role_in(request, approval_request.organisation_id)
    decides_for = approval_request.decides_for(request.user, waiting, role=role)
    can_decide = decides_for is not None
    administrator = role == Membership.Role.ADMINISTRATOR
    route = request_route(approval_request, record)
    step_initial = {"step": approval_request.current_step_id}
    connected = accounting.system_for(approval_request.organisation_id)
    # An open request is checked for duplicates; the supplier's history read for it holds its earlier bills too.
    history = supplier_history(approval_request, document=record.document) if approval_request.is_open else None
    accounting_name = system_name_of(approval_request, connected)
    allowed_edits = step.allowed_edits() if can_decide and step else set()
    line_forms = []
    if allowed_edits:
        choices = LineChoices.of(selectors.coding_choices(request=approval_request))
        line_forms = [
            (line,
             LineEditForm(allowed=allowed_edits, choices=choices, line=line, initial=step_initial)
             if allowed_edits - {"split"} else None,
             LineSplitForm(line=line, initial=step_initial) if "split" in allowed_edits else None)
            for line in record.lines
        ]  # fmt: skip
    context = {
        "record": record,
        "approval_request": approval_request,
        "can_decide": can_decide,
        "on_behalf_of": next((u for u in record.assigned if u.pk == decides_for), None)
        if can_decide and decides_for != request.user.pk else None,
        "is_review": bool(step and step.is_review),
        "can_return_to_review": can_decide and step is not None and any(
            item.step.kind == WorkflowStep.Kind.REVIEW and item.step.position < step.position for item in route),
        "revocable": selectors.revocable_decision(request=approval_request, user=request.user,
                                                  decisions=record.decisions),
        "can_override": approval_request.is_open and administrator,
        "can_publish_again": approval_request.state == ApprovalRequest.State.PUBLISH_FAILED and administrator,
        "line_forms": line_forms,
        "approve_form": approve_form or ApproveForm(initial=step_initial),
        "reject_form": reject_form or RejectForm(initial=step_initial),
        "review_form": review_form or ReturnToReviewForm(initial=step_initial),
        "override_form": override_form or OverrideForm(),
        # What the accounting system (and any registered check) would refuse, shown before the approval.
        "problems": checks.problems_before_approval(approval_request, connected) if can_decide else [],
        "accounting_name": accounting_name,
        "State": ApprovalRequest.State,
        "source_url": web_link(approval_request.source_url),
        # A bill pulled from an accounting system for approval names that system as its source.
        "pulled_from": accounting.system_named(approval_request.source_system),
        "preview": _preview(record.document),
        **_duplicates(possible_duplicates(approval_request, history=history) if history is not None else []),
        "comments": selectors.request_comments(request=approval_request),
        "watching": approval_request.watched,
        "can_hold": approval_request.is_open and (can_decide or administrator),
        "credit": _credit(approval_request, may_choose=approval_request.is_open and (can_decide or administrator)),
        "budget": budget_check(approval_request, lines=record.lines),
        "route": route,
        "context": bill_context(approval_request, history),
        "live": live_status(approval_request, accounting_name=accounting_name),
        "conversion": conversion_text(approval_request),
        "comment_form": CommentForm(),
        "hold_form": HoldForm(),
    }
    return render(request, "workflows/request_detail.html", context, status=status)


def _credit(approval_request: ApprovalRequest, *, may_choose: bool) -> dict | None:
    """A credit note's allocation: the chosen bill, and the bills one may choose from (the page
    already knows whether the person decides or administers: credit_allocation.may_choose's rule)."""
    if not approval_request.is_credit_note:
        return None
    return {"bill": approval_request.credit_for, "may_choose": may_choose,
            "candidates": credit_allocation.credit_candidates(approval_request) if may_choose else []}


def _duplicates(found: list) -> dict:
    """The latest possible duplicates, and the rest the page folds."""
    return {"duplicates": found[:FIRST_SHOWN], "more_duplicates": found[FIRST_SHOWN:]}


def _preview(document) -> dict | None:
    if document is None:
        return None
    shown, total = previews.preview_pages(document)
    return {"pages": range(1, shown + 1), "shown": shown, "total": total}
