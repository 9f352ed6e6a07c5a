import logging
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from approvalmax.core.exceptions import ApplicationError, PermissionDenied
from xero_integration.client import XeroIdentity
from xero_integration.exceptions import XeroError
from xero_integration.selectors import organisation_for_administrator, xero_connection_for
from xero_integration.services.connection import (
    pkce_pair,
    xero_connection_create,
    xero_connection_delete,
    xero_grant_tenants,
)
from xero_integration.tasks import sync_master_data

logger = logging.getLogger(__name__)
SESSION_KEY = "xero_oauth"


def _administered(request, slug):
    try:
        return organisation_for_administrator(user=request.user, slug=slug)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(exc.message) from exc


def _redirect_uri(request) -> str:
    return request.build_absolute_uri(reverse("xero:callback"))


@login_required
@require_GET
def connection_page(request, slug):
    organisation = _administered(request, slug)
    return render(request, "xero_integration/connection.html", {
        "organisation": organisation,
        "connection": xero_connection_for(organisation=organisation),
    })


@login_required
@require_POST
def connect(request, slug):
    organisation = _administered(request, slug)
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(32)
    request.session[SESSION_KEY] = {"state": state, "verifier": verifier, "organisation": organisation.slug}
    return HttpResponseRedirect(
        XeroIdentity.authorize_url(redirect_uri=_redirect_uri(request), state=state, code_challenge=challenge)
    )


@login_required
@require_GET
def callback(request):
    pending = request.session.pop(SESSION_KEY, None)
    if not pending or not secrets.compare_digest(pending["state"], request.GET.get("state", "")):
        return render(request, "error.html", {"title": "Xero connection failed",
                                              "message": "The answer from Xero did not match a connection "
                                              "started here. Start again from the Xero page."}, status=400)
    organisation = _administered(request, pending["organisation"])
    page = redirect("xero:connection", slug=organisation.slug)
    if request.GET.get("error"):
        messages.warning(request, "Xero was not connected: access was not granted.")
        return page
    try:
        tokens, tenants = xero_grant_tenants(code=request.GET.get("code", ""), redirect_uri=_redirect_uri(request),
                                             code_verifier=pending["verifier"])
        connection = xero_connection_create(organisation=organisation, tokens=tokens, tenants=tenants)
    except (XeroError, ApplicationError) as exc:
        logger.warning("Xero connection for %s failed: %s", organisation.slug, exc)
        messages.error(request, f"Xero was not connected: {getattr(exc, 'message', exc)}")
        return page
    messages.success(request, f"Connected to {connection.tenant_name}. Master data is being synced.")
    return page


@login_required
@require_POST
def disconnect(request, slug):
    organisation = _administered(request, slug)
    xero_connection_delete(organisation=organisation)
    messages.success(request, "Xero is disconnected.")
    return redirect("xero:connection", slug=organisation.slug)


@login_required
@require_POST
def sync_now(request, slug):
    organisation = _administered(request, slug)
    sync_master_data.delay(organisation.pk)
    messages.success(request, "A master-data sync has been queued.")
    return redirect("xero:connection", slug=organisation.slug)


