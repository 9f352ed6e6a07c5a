"""Approvers' pages: parse input, call one service or selector, render."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from approvalmax.core.exceptions import ApplicationError, NotFound
from approvalmax.core.selectors import memberships_of, organisations_for_user
from workflows import configuration, editing, outcomes, overrides, previews, selectors, services
from workflows.audit_report import render_audit_report
from workflows.audit_reports import audit_report_get
from workflows.exceptions import CommentRequired, NotAnApprover
from workflows.forms import (
    ApproveForm,
    LineChoices,
    LineEditForm,
    LineSplitForm,
    OverrideForm,
    RejectForm,
    ReturnToReviewForm,
    SubstitutionForm,
)
from workflows.live_views import system_name_of
from workflows.models import ApprovalRequest
from workflows.request_page import render_detail, visible_request

# Only what Dext may upload is served under its own type; anything else is opaque bytes.
SERVABLE_CONTENT_TYPES = {
    "application/pdf", "image/png", "image/jpeg", "image/gif", "image/tiff", "image/heic",
}  # fmt: skip


@require_safe
@login_required
def request_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return render_detail(request, visible_request(request, public_id))


def _visible_document(request: HttpRequest, public_id: uuid.UUID):
    try:
        return selectors.document_get_for_user(user=request.user, public_id=public_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _from_outside(response: HttpResponse) -> HttpResponse:
    # The file comes from outside: never sniffed into something active, never a page of ours.
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@login_required
def request_document(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    """The original, byte for byte, always as a download: the page shows what we rendered."""
    document = _visible_document(request, public_id)
    content_type = document.content_type
    if content_type not in SERVABLE_CONTENT_TYPES:
        content_type = "application/octet-stream"
    return _from_outside(FileResponse(document.file.open("rb"), content_type=content_type, as_attachment=True,
                                      filename=document.filename))  # fmt: skip


@require_safe
@login_required
def request_document_page(request: HttpRequest, public_id: uuid.UUID, page: int) -> HttpResponse:
    png = previews.preview_png(_visible_document(request, public_id), page)
    if png is None:
        raise Http404("There is no such page.")
    return _from_outside(HttpResponse(png, content_type="image/png"))


@require_safe
@login_required
def request_audit_report(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The revision's audit report: the one kept since its approval, or, before that, as it reads now."""
    approval_request = visible_request(request, public_id)
    kept = audit_report_get(request=approval_request)
    data = kept.file.open("rb").read() if kept else render_audit_report(request=approval_request)
    name = f"Approval audit report {approval_request.invoice_number or approval_request.public_id}.pdf"
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name[:120]}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _decide(request: HttpRequest, public_id: uuid.UUID, form_class, form_name: str, service, done: str, *,
            review_done: str = ""):  # fmt: skip
    """Parse a decision form, call its service, and answer as a person would expect: a
    decision that came too late is a message on the request page, not an error page; a decision
    made returns to the page to show its result, or with "and next" goes on to the next waiting bill."""
    approval_request = visible_request(request, public_id)
    step = approval_request.current_step
    if review_done and step is not None and step.is_review:
        done = review_done
    form = form_class(request.POST)
    if not form.is_valid():
        return render_detail(request, approval_request, **{form_name: form}, status=400)
    try:
        service(request_id=approval_request.pk, user=request.user, comment=form.cleaned_data["comment"],
                step_id=form.cleaned_data["step"])  # fmt: skip
    except NotAnApprover as exc:
        raise PermissionDenied(exc.message) from exc
    except CommentRequired as exc:
        form.add_error("comment", exc.fields.get("comment", exc.message))
        return render_detail(request, approval_request, **{form_name: form}, status=400)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("workflows:request_detail", public_id=public_id)
    messages.success(request, f"You {done} {_describe(approval_request)}.")
    if request.POST.get("then") == "next":
        following = selectors.next_awaiting(user=request.user, memberships=memberships_of(request),
                                            besides=approval_request.pk)
        if following is None:
            messages.info(request, "Nothing else is waiting for your decision.")
            return redirect("workflows:inbox")
        return redirect("workflows:request_detail", public_id=following.public_id)
    # The page itself, so that the result (and what publishing makes of it) is seen.
    return redirect("workflows:request_detail", public_id=public_id)


@require_POST
@login_required
def request_approve(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _decide(request, public_id, ApproveForm, "approve_form", services.request_approve, "approved",
                   review_done="completed the review of")


@require_POST
@login_required
def request_reject(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _decide(request, public_id, RejectForm, "reject_form", services.request_reject, "rejected")


@require_POST
@login_required
def request_return_to_review(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return _decide(request, public_id, ReturnToReviewForm, "review_form", services.request_return_to_review,
                   "sent back to review")  # fmt: skip


@require_POST
@login_required
def request_revoke(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    approval_request = visible_request(request, public_id)
    try:
        services.request_revoke_decision(request_id=approval_request.pk, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "You revoked your decision: the step waits for you again.")
    return redirect("workflows:request_detail", public_id=public_id)


@require_POST
@login_required
def request_override(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    approval_request = visible_request(request, public_id)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        return render_detail(request, approval_request, override_form=form, status=400)
    service = (overrides.request_force_approve if form.cleaned_data["decision"] == "approve"
               else overrides.request_force_reject)  # fmt: skip
    try:
        service(request_id=approval_request.pk, user=request.user, comment=form.cleaned_data["comment"])
    except NotAnApprover as exc:
        raise PermissionDenied(exc.message) from exc
    except ApplicationError as exc:
        if exc.status_code == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
        return redirect("workflows:request_detail", public_id=public_id)
    done = "force-approved" if form.cleaned_data["decision"] == "approve" else "force-rejected"
    messages.success(request, f"You {done} {_describe(approval_request)}.")
    return redirect("workflows:request_detail", public_id=public_id)


@require_POST
@login_required
def request_publish_again(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    approval_request = visible_request(request, public_id)
    try:
        outcomes.request_publish_again(request_id=approval_request.pk, user=request.user)
    except ApplicationError as exc:
        if exc.status_code == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        where = system_name_of(approval_request)
        messages.success(request, f"Publishing {_describe(approval_request)} to {where} again.")
    return redirect("workflows:request_detail", public_id=public_id)


def _line_change(request: HttpRequest, public_id: uuid.UUID, line_id: int, call) -> HttpResponse:
    approval_request = visible_request(request, public_id)
    try:
        line = selectors.request_line_for_edit(request=approval_request, line_id=line_id)
        call(approval_request, line)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        if exc.status_code == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    return redirect("workflows:request_detail", public_id=public_id)


@require_POST
@login_required
def request_line_edit(request: HttpRequest, public_id: uuid.UUID, line_id: int) -> HttpResponse:
    def call(approval_request, line):
        step = approval_request.current_step
        # Someone the step does not wait for gets the service's refusal, not a form error.
        allowed = step.allowed_edits() if step and approval_request.decides_for(request.user) else set()
        form = LineEditForm(request.POST, allowed=allowed, line=line,
                            choices=LineChoices.of(selectors.coding_choices(request=approval_request)))  # fmt: skip
        if not form.is_valid():
            messages.error(request, "Nothing was changed: " + "; ".join(
                f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()))  # fmt: skip
            return
        editing.request_line_edit(request_id=approval_request.pk, user=request.user, line_id=line.pk,
                                   step_id=form.cleaned_data["step"], **form.changes())  # fmt: skip
        messages.success(request, f"Line {line.position} was saved.")

    return _line_change(request, public_id, line_id, call)


@require_POST
@login_required
def request_line_split(request: HttpRequest, public_id: uuid.UUID, line_id: int) -> HttpResponse:
    def call(approval_request, line):
        form = LineSplitForm(request.POST, line=line)
        if not form.is_valid():
            messages.error(request, "Nothing was split: give the amount of the new line.")
            return
        editing.request_line_split(request_id=approval_request.pk, user=request.user, line_id=line.pk,
                                    amount=form.cleaned_data["amount"], step_id=form.cleaned_data["step"])  # fmt: skip
        messages.success(request, f"Line {line.position} was split in two.")

    return _line_change(request, public_id, line_id, call)


@require_http_methods(["GET", "POST"])
@login_required
def substitutes(request: HttpRequest) -> HttpResponse:
    """Name a substitute for the days one is away; see whom one substitutes for."""
    organisations = list(organisations_for_user(user=request.user))
    form = SubstitutionForm(request.POST or None, organisations=organisations,
                            colleagues=selectors.colleagues_of(user=request.user))  # fmt: skip
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                configuration.substitution_create(
                    organisation=next(o for o in organisations if o.pk == data["organisation"]),
                    user=request.user,
                    substitute=selectors.colleagues_of(user=request.user).get(pk=data["substitute"]),
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Your substitute is named.")
                return redirect("workflows:substitutes")
        status = 400
    context = {"form": form, "substitutions": selectors.substitutions_for_user(user=request.user)}
    return render(request, "workflows/substitutes.html", context, status=status)


def _describe(approval_request: ApprovalRequest) -> str:
    if approval_request.invoice_number:
        return f"{approval_request.invoice_number} from {approval_request.supplier_name}"
    return f"the bill from {approval_request.supplier_name}"
