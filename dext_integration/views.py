"""The organisation's Dext settings page, for its administrators."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from approvalmax.core import accounting
from dext_integration.forms import LinkForm
from approvalmax.core.selectors import organisation_for_administrator
from dext_integration.selectors import dext_connection_active, master_data_for_dext
from dext_integration.master_data_push import dext_account_link, master_data_push_enqueue, master_data_refresh_enqueue


def _accounting_name(organisation) -> str:
    system = accounting.system_for(organisation.pk)
    return system.name if system else "the accounting system"


def _page(request, organisation, *, form=None, new_key: str = "", status: int = 200):
    connection = dext_connection_active(organisation=organisation)
    form = form or LinkForm(initial={"account_name": connection.account_name if connection else ""})
    response = render(request, "dext_integration/settings.html", {
        "organisation": organisation,
        "connection": connection,
        "form": form,
        "new_key": new_key,
        "lists": master_data_for_dext(organisation=organisation, connection=connection),
        "accounting_name": _accounting_name(organisation),
    }, status=status)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def settings_page(request, slug):
    return _page(request, organisation_for_administrator(user=request.user, slug=slug, manages="its Dext link"))


@login_required
@require_POST
@never_cache
def link(request, slug):
    """Link, relink or rotate: a new key, shown on this answer only."""
    organisation = organisation_for_administrator(user=request.user, slug=slug, manages="its Dext link")
    form = LinkForm(request.POST)
    if not form.is_valid():
        return _page(request, organisation, form=form, status=400)
    connection, key = dext_account_link(organisation=organisation, account_name=form.cleaned_data["account_name"])
    messages.success(request, f"Dext account “{connection.account_name}” is linked. Any earlier key no longer works.")
    return _page(request, organisation, new_key=key)


@login_required
@require_POST
def reconnect(request, slug):
    organisation = organisation_for_administrator(user=request.user, slug=slug, manages="its Dext link")
    if dext_connection_active(organisation=organisation) is None:
        messages.error(request, "No Dext account is linked: link one first.")
    else:
        master_data_push_enqueue(organisation_id=organisation.pk, force=True)
        messages.success(request, "Reconnected: all master data is being pushed to Dext now.")
    return redirect("dext:settings", slug=organisation.slug)


@login_required
@require_POST
def sync_now(request, slug):
    organisation = organisation_for_administrator(user=request.user, slug=slug, manages="its Dext link")
    master_data_refresh_enqueue(organisation_id=organisation.pk)
    messages.success(request, "Master data is being synced from the accounting system; what changed is then pushed to Dext.")
    return redirect("dext:settings", slug=organisation.slug)
