"""The request page's live status: a fragment the page asks for every few seconds (htmx) while
the request can still change, so that an approver sees publishing happen and end, as "Published"
with the bill's number and link or as the failure, without reloading."""

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from approvalmax.core import accounting
from approvalmax.core.exceptions import NotFound
from workflows import selectors
from workflows.models import ApprovalRequest

State = ApprovalRequest.State
# States a request leaves by itself (a decision elsewhere, the publisher): the page keeps asking.
CHANGING = {*ApprovalRequest.OPEN_STATES, State.APPROVED}


def _seen(approval_request: ApprovalRequest) -> str:
    return f"{approval_request.state}:{approval_request.revision}:{approval_request.current_step_id or ''}"


def system_name_of(approval_request: ApprovalRequest, connected=accounting.ASK) -> str:
    """The system the bill went to; before that, the one the organisation is connected to
    (`connected`, when the caller has looked it up)."""
    system = accounting.system_named(approval_request.external_system) or (
        accounting.system_for(approval_request.organisation_id) if connected is accounting.ASK else connected)
    return system.name if system else "the accounting system"


def live_status(approval_request: ApprovalRequest, seen: str = "", *, accounting_name: str = "") -> dict:
    """What the live part of the page shows; `seen` is what the page showed when it was opened.
    `accounting_name`, when the caller knows it, saves looking it up again."""
    return {"r": approval_request, "State": State, "polling": approval_request.state in CHANGING,
            "seen": seen or _seen(approval_request), "moved": bool(seen) and seen != _seen(approval_request),
            "accounting_name": accounting_name or system_name_of(approval_request),
            "external_url": web_link(approval_request.external_url)}


def web_link(url: str) -> str:
    """Links from Dext or the accounting system become hrefs only when they are web addresses."""
    return url if url.lower().startswith(("https://", "http://")) else ""


@require_safe
@login_required
def request_status(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    try:
        approval_request = selectors.request_get_for_user(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    # Rendered without the request's context processors: the fragment shows none of what they read
    # (the navigation's badges, the administrator's failures), and every open page asks every 3 s.
    response = HttpResponse(render_to_string(
        "workflows/_live_status.html", {"live": live_status(approval_request, request.GET.get("seen", "")[:100])}))
    response["Cache-Control"] = "private, no-store"
    return response
