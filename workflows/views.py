"""Approvers' pages: parse input, call one service or selector, render."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST, require_safe

from approvalmax.core.exceptions import ApplicationError, NotFound
from workflows import selectors, services
from workflows.exceptions import CommentRequired, NotAnApprover
from workflows.forms import ApproveForm, RejectForm, RequestFilterForm
from workflows.models import ApprovalRequest

REQUESTS_PER_PAGE = 50

# Only what Dext may upload is served under its own type; anything else is opaque bytes.
SERVABLE_CONTENT_TYPES = {
    "application/pdf", "image/png", "image/jpeg", "image/gif", "image/tiff", "image/heic",
}  # fmt: skip


def _visible_request(request: HttpRequest, public_id: uuid.UUID) -> ApprovalRequest:
    try:
        return selectors.request_get_for_user(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _render_detail(
    request: HttpRequest,
    approval_request: ApprovalRequest,
    *,
    approve_form: ApproveForm | None = None,
    reject_form: RejectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    record = selectors.request_record(request=approval_request)
    context = {
        "record": record,
        "approval_request": approval_request,
        "can_decide": any(user.pk == request.user.pk for user in record.waiting_for),
        "approve_form": approve_form or ApproveForm(),
        "reject_form": reject_form or RejectForm(),
        "State": ApprovalRequest.State,
        "source_url": _web_link(approval_request.source_url),
        "xero_url": _web_link(approval_request.external_url),
    }
    return render(request, "workflows/request_detail.html", context, status=status)


@require_safe
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    requests = selectors.inbox_for_user(user=request.user)
    return render(request, "workflows/inbox.html", {"requests": requests})


@require_safe
@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    form = RequestFilterForm(request.GET)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    page = Paginator(selectors.request_list_for_user(user=request.user, state=state), REQUESTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "state": state,
        "state_label": ApprovalRequest.State(state).label if state else "",
    }
    return render(request, "workflows/request_list.html", context)


@require_safe
@login_required
def request_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _render_detail(request, _visible_request(request, public_id))


@require_safe
@login_required
@xframe_options_sameorigin
def request_document(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    try:
        document = selectors.document_get_for_user(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    content_type = document.content_type
    if content_type not in SERVABLE_CONTENT_TYPES:
        content_type = "application/octet-stream"
    response = FileResponse(document.file.open("rb"), content_type=content_type, filename=document.filename)
    # The file comes from outside: never let a browser sniff it into something active.
    response["X-Content-Type-Options"] = "nosniff"
    if content_type != "application/pdf":
        # Chromium's PDF viewer refuses sandboxed documents; PDFs were recognised by content on upload.
        response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def request_approve(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    approval_request = _visible_request(request, public_id)
    form = ApproveForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, approval_request, approve_form=form, status=400)
    try:
        services.request_approve(
            request_id=approval_request.pk, user=request.user, comment=form.cleaned_data["comment"]
        )
    except NotAnApprover as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("workflows:request_detail", public_id=public_id)
    messages.success(request, f"You approved {_describe(approval_request)}.")
    return redirect("workflows:inbox")


@require_POST
@login_required
def request_reject(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    approval_request = _visible_request(request, public_id)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, approval_request, reject_form=form, status=400)
    try:
        services.request_reject(request_id=approval_request.pk, user=request.user, comment=form.cleaned_data["comment"])
    except NotAnApprover as exc:
        raise PermissionDenied(exc.message) from exc
    except CommentRequired as exc:
        form.add_error("comment", exc.fields.get("comment", exc.message))
        return _render_detail(request, approval_request, reject_form=form, status=400)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("workflows:request_detail", public_id=public_id)
    messages.success(request, f"You rejected {_describe(approval_request)}.")
    return redirect("workflows:inbox")


def _web_link(url: str) -> str:
    """Links from Dext or Xero become hrefs only when they are web addresses."""
    return url if url.lower().startswith(("https://", "http://")) else ""


def _describe(approval_request: ApprovalRequest) -> str:
    if approval_request.invoice_number:
        return f"{approval_request.invoice_number} from {approval_request.supplier_name}"
    return f"the bill from {approval_request.supplier_name}"
