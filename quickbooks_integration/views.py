"""The QuickBooks Online connection page of an organisation, for its administrators."""

import logging
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from approvalmax.core.exceptions import ApplicationError
from approvalmax.core.selectors import organisation_for_administrator
from approvalmax.core.views import accounting_disconnect
from quickbooks_integration.client import IntuitIdentity
from quickbooks_integration.exceptions import QuickBooksError
from quickbooks_integration.selectors import quickbooks_connection_for, refresh_token_expires_soon
from quickbooks_integration.services.connection import (
    refuse_a_second_system,
    quickbooks_connection_create,
    quickbooks_connection_delete,
)
from quickbooks_integration.tasks import sync_master_data
from workflows.selectors import approved_waiting_count

logger = logging.getLogger(__name__)
SESSION_KEY = "quickbooks_oauth"


def _administered(request, slug):
    return organisation_for_administrator(user=request.user, slug=slug, manages="its QuickBooks Online connection")


def _redirect_uri() -> str:
    # The URI registered with Intuit's app, matched exactly: this deployment's, not the request's host.
    return f"{settings.PUBLIC_BASE_URL}{reverse('quickbooks:callback')}"


@login_required
@require_GET
def connection_page(request, slug):
    organisation = _administered(request, slug)
    connection = quickbooks_connection_for(organisation=organisation)
    return render(request, "quickbooks_integration/connection.html", {
        "organisation": organisation, "connection": connection,
        "expires_soon": connection is not None and refresh_token_expires_soon(connection=connection),
    })


@login_required
@require_POST
def connect(request, slug):
    organisation = _administered(request, slug)
    try:
        refuse_a_second_system(organisation)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("quickbooks:connection", slug=organisation.slug)
    state = secrets.token_urlsafe(32)
    request.session[SESSION_KEY] = {"state": state, "organisation": organisation.slug}
    return HttpResponseRedirect(IntuitIdentity.authorize_url(redirect_uri=_redirect_uri(), state=state))


@login_required
@require_GET
def callback(request):
    pending = request.session.pop(SESSION_KEY, None)
    if not pending or not secrets.compare_digest(pending["state"], request.GET.get("state", "")):
        return render(request, "error.html", {"title": "QuickBooks Online connection failed",
                                              "message": "The answer from Intuit did not match a connection started "
                                              "here. Start again from the QuickBooks Online page."}, status=400)
    organisation = _administered(request, pending["organisation"])
    page = redirect("quickbooks:connection", slug=organisation.slug)
    if request.GET.get("error"):
        messages.warning(request, "QuickBooks Online was not connected: access was not granted.")
        return page
    try:
        connection = quickbooks_connection_create(organisation=organisation, code=request.GET.get("code", ""),
                                                  realm_id=request.GET.get("realmId", ""),
                                                  redirect_uri=_redirect_uri())
    except (QuickBooksError, ApplicationError) as exc:
        logger.warning("QuickBooks Online connection for %s failed: %s", organisation.slug, exc)
        messages.error(request, f"QuickBooks Online was not connected: {getattr(exc, 'message', exc)}")
        return page
    sync_master_data.delay_on_commit(organisation.pk)
    messages.success(request, f"Connected to {connection.company_name}. Master data is being synced.")
    return page


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def disconnect(request, slug):
    organisation = _administered(request, slug)
    return accounting_disconnect(request, organisation=organisation, system_name="QuickBooks Online", namespace="quickbooks",
                                 delete=quickbooks_connection_delete,
                                 approved_waiting=lambda: approved_waiting_count(organisation_id=organisation.pk))


@login_required
@require_POST
def sync_now(request, slug):
    organisation = _administered(request, slug)
    sync_master_data.delay(organisation.pk)
    messages.success(request, "A master-data sync has been queued.")
    return redirect("quickbooks:connection", slug=organisation.slug)
