"""The Dext sandbox's pages: a stand-in for Dext publishing to our API over real HTTP."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from csp.constants import SELF
from csp.decorators import csp_update
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from .api_client import ApiAnswer, ApiUnreachable
from .choices import choices_attach, master_data_choices
from .cost_items import build_item, form_initial
from .forms import CostItemForm, LinkForm, line_formset
from .master_data import Refused, link_for_push, master_data_receive, signature_check
from .models import SandboxItem, SandboxLink, SandboxMasterData
from .selectors import item_last_answered, item_statuses, item_stored_document_name, items_recent, link_active
from .services import item_publish, item_save, item_withdraw, link_choose, link_save

# Shown in the browser; anything else is offered as a download, never rendered on our origin.
INLINE_CONTENT_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/gif"}

SUCCESS_SUMMARIES = {
    ("publish", 200): "This exact item was published before; nothing new was created.",
    ("publish", 201): "A new approval request was created, or a new revision of a rejected or cancelled one.",
    ("publish", 202): "Accepted for direct creation in the accounting system as a bank transaction; it bypasses "
                      "approval.",
    ("withdraw", 204): "The item's request was cancelled.",
}


@dataclass(frozen=True)
class Outcome:
    """What our API answered to one publish or withdraw, or why there was no answer."""

    dext_id: str
    action: str
    answer: ApiAnswer | None = None
    unreachable: str = ""

    @property
    def summary(self) -> str:
        return SUCCESS_SUMMARIES.get((self.action, self.answer.status), "") if self.answer else ""


def index(request):
    link = link_active()
    if request.method == "POST":
        form, lines, outcome = _publish_from_form(request, link=link)
        if outcome and outcome.answer and outcome.answer.ok:
            return _redirect_to_outcome(outcome.dext_id)
    else:
        form, lines = CostItemForm(stored_document_for=item_stored_document_name), line_formset()
        outcome = _stored_outcome(request.GET.get("item", ""))
    return _render_index(request, link=link, form=form, lines=lines, outcome=outcome)


@csrf_exempt
@require_http_methods(["PUT"])
def master_data_put(request, name: str):
    """Where ApprovalMax pushes a master-data list (its DEXT_API_URL + /master-data/<list>/)."""
    link = link_for_push(request.headers.get("X-ApprovalMax-Key", ""))
    try:
        signature_check(
            link=link,
            timestamp=request.headers.get("X-ApprovalMax-Timestamp", ""),
            signature=request.headers.get("X-ApprovalMax-Signature", ""),
            body=request.body,
        )
        received = master_data_receive(link=link, name=name, body=request.body)
    except Refused as exc:
        return JsonResponse({"error": str(exc)}, status=exc.status)
    return JsonResponse({"list": received.name, "rows": received.row_count,
                         "received_at": received.received_at.isoformat()})


@require_POST
def link_account(request):
    current = link_active()
    link_form = LinkForm(request.POST, linked=current is not None, linked_base_url=current.base_url if current else "")
    if not link_form.is_valid():
        form, lines = CostItemForm(stored_document_for=item_stored_document_name), line_formset()
        return _render_index(request, link=current, form=form, lines=lines, link_form=link_form)
    link, change = link_save(**link_form.cleaned_data)
    messages.success(
        request, f"Linked organisation “{link.name}” at {link.base_url} with key {link.masked_key} ({change})."
    )
    return redirect(reverse("dext_sandbox:index") + "#link")


@require_POST
def choose_link(request, link_id: int):
    link = link_choose(link_id=get_object_or_404(SandboxLink, pk=link_id).pk)
    messages.success(request, f"Publishing to “{link.name}” from now on.")
    return redirect(reverse("dext_sandbox:index") + "#link")


@csp_update({"object-src": [SELF]})  # the stand-in shows the PDF as Dext does, in the browser's viewer
def item_detail(request, dext_id: str):
    item = get_object_or_404(SandboxItem.objects.defer("document"), dext_id=dext_id)
    return render(
        request,
        "dext_sandbox/item_detail.html",
        {
            "item": item,
            "data": item.payload,
            "document_inline": item.document_content_type in INLINE_CONTENT_TYPES,
            "document_is_image": item.document_content_type.startswith("image/")
            and item.document_content_type in INLINE_CONTENT_TYPES,
        },
    )


@xframe_options_sameorigin
@csp_update({"frame-ancestors": [SELF]})  # shown in the item page's <object>
def item_document(request, dext_id: str):
    item = get_object_or_404(SandboxItem, dext_id=dext_id)
    inline = item.document_content_type in INLINE_CONTENT_TYPES
    response = HttpResponse(
        bytes(item.document), content_type=item.document_content_type if inline else "application/octet-stream"
    )
    response["Content-Disposition"] = content_disposition_header(not inline, item.document_name)
    # Uploaded by whoever used the form: never sniffed into a page of this origin.
    response["X-Content-Type-Options"] = "nosniff"
    if item.document_content_type != "application/pdf":
        response["Content-Security-Policy"] = "sandbox"
    return response


def item_edit(request, dext_id: str):
    item = get_object_or_404(SandboxItem.objects.defer("document"), dext_id=dext_id)
    link = link_active()
    outcome = None
    if request.method == "POST":
        form, lines, outcome = _publish_from_form(request, link=link, fixed_dext_id=item.dext_id)
        if outcome and outcome.answer and outcome.answer.ok:
            return _redirect_to_outcome(outcome.dext_id)
    else:
        initial, line_initial = form_initial(item.payload)
        form = CostItemForm(
            initial=initial, fixed_dext_id=item.dext_id, stored_document_for=item_stored_document_name
        )
        lines = line_formset(lines=line_initial)
    choices_attach(form, lines)
    return render(
        request,
        "dext_sandbox/item_edit.html",
        {"item": item, "link": link, "form": form, "lines": lines, "outcome": outcome,
         "choices": master_data_choices(link)},
    )


@require_POST
def item_republish(request, dext_id: str):
    item = get_object_or_404(SandboxItem, dext_id=dext_id)
    return _call_api(request, item=item, action=item_publish)


@require_POST
def item_withdraw_view(request, dext_id: str):
    item = get_object_or_404(SandboxItem.objects.defer("document"), dext_id=dext_id)
    return _call_api(request, item=item, action=item_withdraw)


def _call_api(request, *, item: SandboxItem, action):
    link = item.link or link_active()
    if link is None:
        messages.error(request, "No organisation is linked: paste its API key under “Linked organisation”.")
        return redirect(reverse("dext_sandbox:index") + "#link")
    try:
        action(item=item, link=link)
    except ApiUnreachable as exc:
        messages.error(request, f"Could not reach ApprovalMax for {item.dext_id}: {exc}")
        return redirect(reverse("dext_sandbox:index") + "#items")
    return _redirect_to_outcome(item.dext_id)


def _publish_from_form(request, *, link: SandboxLink | None, fixed_dext_id: str | None = None):
    form = CostItemForm(
        request.POST, request.FILES, fixed_dext_id=fixed_dext_id, stored_document_for=item_stored_document_name
    )
    lines = line_formset(request.POST)
    form_valid, lines_valid = form.is_valid(), lines.is_valid()
    if not (form_valid and lines_valid):
        return form, lines, None
    if link is None:
        form.add_error(None, "Link an organisation first: paste its API key under “Linked organisation”.")
        return form, lines, None
    dext_id = form.cleaned_data["dext_id"]
    payload = build_item(form.cleaned_data, lines.lines(), document_url=_document_url(dext_id))
    item = item_save(payload=payload, document=form.cleaned_data["document"])
    form.describe_stored_document(dext_id)
    try:
        answer = item_publish(item=item, link=link)
    except ApiUnreachable as exc:
        return form, lines, Outcome(dext_id=dext_id, action="publish", unreachable=str(exc))
    return form, lines, Outcome(dext_id=dext_id, action="publish", answer=answer)


def _render_index(request, *, link, form, lines, outcome=None, link_form=None):
    if link_form is None:
        link_form = LinkForm(
            initial={"name": link.name, "base_url": link.base_url}
            if link
            else {"base_url": f"{settings.PUBLIC_BASE_URL}/api/dext/v1/"},
            linked=link is not None,
        )
    items = list(items_recent())
    rows = list(zip(items, item_statuses(items=items, link=link)))
    choices_attach(form, lines)
    return render(
        request,
        "dext_sandbox/index.html",
        {"link": link, "link_form": link_form, "form": form, "lines": lines, "outcome": outcome, "rows": rows,
         "choices": master_data_choices(link),
         "links": SandboxLink.objects.order_by("name"),
         "master_data": SandboxMasterData.objects.filter(link=link) if link else []},
    )


def _stored_outcome(dext_id: str) -> Outcome | None:
    item = item_last_answered(dext_id)
    if item is None:
        return None
    return Outcome(
        dext_id=item.dext_id, action=item.last_action, answer=ApiAnswer(status=item.last_status, text=item.last_body)
    )


def _redirect_to_outcome(dext_id: str):
    return redirect(f"{reverse('dext_sandbox:index')}?{urlencode({'item': dext_id})}#outcome")


def _document_url(dext_id: str) -> str:
    return settings.PUBLIC_BASE_URL + reverse("dext_sandbox:item", args=[dext_id])
