"""The request page's credit allocation form: it posts here and returns to the page."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from workflows.credit_allocation import credit_allocate
from workflows.exceptions import EditNotAllowed
from workflows.request_page import visible_request


@require_POST
@login_required
def request_credit_allocation(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    approval_request = visible_request(request, public_id)
    raw = request.POST.get("bill", "").strip()
    if raw and not raw.isdigit():
        messages.error(request, "Nothing was changed: choose a bill from the list.")
        return redirect("workflows:request_detail", public_id=public_id)
    try:
        credit_allocate(request_id=approval_request.pk, user=request.user, bill_id=int(raw) if raw else None)
    except EditNotAllowed as exc:
        messages.error(request, f"Nothing was changed: {exc.message}")
    else:
        messages.success(request, "The credit allocation was saved.")
    return redirect("workflows:request_detail", public_id=public_id)
