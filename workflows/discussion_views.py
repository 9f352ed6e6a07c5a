"""The request page's discussion: comments, watching, and holds. Each is a form that posts
here and returns to the page."""

import uuid
from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from approvalmax.core.exceptions import ApplicationError
from workflows import discussion
from workflows.forms import CommentForm, HoldForm
from workflows.request_page import visible_request


def _back(public_id: uuid.UUID) -> HttpResponse:
    return redirect("workflows:request_detail", public_id=public_id)


def _first_error(form) -> str:
    return next(f"{form.fields[name].label}: {errors[0]}" for name, errors in form.errors.items())


@require_POST
@login_required
def request_comment(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    approval_request = visible_request(request, public_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not posted. {_first_error(form)}")
        return _back(public_id)
    try:
        comment = discussion.request_comment(request_id=approval_request.pk, user=request.user,
                                             body=form.cleaned_data["body"])
    except ApplicationError as exc:
        messages.error(request, f"Not posted. {exc.message}")
    else:
        told = comment.mentions.count()
        messages.success(request, "Comment posted" + (f"; {told} mentioned {'person' if told == 1 else 'people'} told."
                                                      if told else "."))
    return _back(public_id)


@require_POST
@login_required
def request_watch(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    approval_request = visible_request(request, public_id)
    watch = request.POST.get("watch") == "1"
    try:
        discussion.request_watch(request_id=approval_request.pk, user=request.user, watch=watch)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "You will hear of everything that happens to this request." if watch
                         else "You no longer watch this request.")
    return _back(public_id)


@require_POST
@login_required
def request_hold(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    approval_request = visible_request(request, public_id)
    form = HoldForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not put on hold. {_first_error(form)}")
        return _back(public_id)
    zone = ZoneInfo(approval_request.organisation.timezone)
    until = datetime.combine(form.cleaned_data["until"], time(9, 0), tzinfo=zone)
    try:
        discussion.request_hold(request_id=approval_request.pk, user=request.user,
                                reason=form.cleaned_data["reason"], until=until)
    except ApplicationError as exc:
        messages.error(request, f"Not put on hold. {exc.message}")
    else:
        messages.success(request, f"On hold until {until:%d %b %Y} at 09:00; reminders pause until then.")
    return _back(public_id)


@require_POST
@login_required
def request_release(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    approval_request = visible_request(request, public_id)
    try:
        discussion.request_release(request_id=approval_request.pk, user=request.user)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The hold has ended.")
    return _back(public_id)
