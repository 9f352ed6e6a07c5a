import base64
import hashlib
import hmac
import json
import logging
import secrets
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from approvalmax.core import accounting
from approvalmax.core.exceptions import ApplicationError
from approvalmax.core.selectors import organisation_for_administrator
from approvalmax.core.views import accounting_disconnect
from workflows.selectors import approved_waiting_count
from xero_integration.client import XeroIdentity
from xero_integration.exceptions import XeroError
from xero_integration.forms import PullSettingsForm
from xero_integration.selectors import (
    organisation_ids_for_tenants,
    xero_connection_for,
    xero_publishing_paused_until,
)
from xero_integration.services.connection import (
    pkce_pair,
    xero_connection_create,
    xero_connection_delete,
    xero_grant_tenants,
    xero_pending_grant_choose,
    xero_pending_grant_create,
    xero_pending_grant_for,
    xero_pull_settings_set,
)
from xero_integration.system import KEY
from xero_integration.tasks import pull_bills, sync_master_data
from xero_integration.timezones import iana_name

logger = logging.getLogger(__name__)
SESSION_KEY = "xero_oauth"


def _administered(request, slug):
    return organisation_for_administrator(user=request.user, slug=slug, manages="its Xero connection")


def _redirect_uri(request) -> str:
    # The URI registered with Xero's app, matched exactly: this deployment's, not the request's host.
    return f"{settings.PUBLIC_BASE_URL}{reverse('xero:callback')}"


@login_required
@require_GET
def connection_page(request, slug):
    organisation = _administered(request, slug)
    connection = xero_connection_for(organisation=organisation)
    return _connection_render(request, organisation, connection)


def _connection_render(request, organisation, connection, *, pull_form=None, status: int = 200):
    return render(request, "xero_integration/connection.html", {
        "organisation": organisation,
        "connection": connection,
        "pull_form": pull_form or (PullSettingsForm(instance=connection) if connection else None),
        "paused_until": xero_publishing_paused_until(connection=connection) if connection else None,
        "time_zone_name": iana_name(connection.xero_timezone) if connection else "",
    }, status=status)


@login_required
@require_POST
def connect(request, slug):
    organisation = _administered(request, slug)
    refusal = accounting.another_system_refusal(organisation.pk, KEY)
    if refusal:
        messages.error(request, refusal)
        return redirect("xero:connection", slug=organisation.slug)
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
        if len(tenants) > 1:
            xero_pending_grant_create(organisation=organisation, tokens=tokens, tenants=tenants)
            return redirect("xero:choose", slug=organisation.slug)
        connection = xero_connection_create(organisation=organisation, tokens=tokens, tenants=tenants)
    except (XeroError, ApplicationError) as exc:
        logger.warning("Xero connection for %s failed: %s", organisation.slug, exc)
        messages.error(request, f"Xero was not connected: {getattr(exc, 'message', exc)}")
        return page
    messages.success(request, f"Connected to {connection.tenant_name}. Master data is being synced.")
    return page


@login_required
def choose_tenant(request, slug):
    """Several Xero organisations were granted: the administrator picks the one to connect."""
    organisation = _administered(request, slug)
    try:
        if request.method == "POST":
            connection = xero_pending_grant_choose(organisation=organisation, tenant_id=request.POST.get("tenant", ""))
        else:
            grant = xero_pending_grant_for(organisation=organisation)
            return render(request, "xero_integration/choose_tenant.html",
                          {"organisation": organisation, "tenants": grant.tenants})
    except (XeroError, ApplicationError) as exc:
        messages.error(request, f"Xero was not connected: {getattr(exc, 'message', exc)}")
        return redirect("xero:connection", slug=organisation.slug)
    messages.success(request, f"Connected to {connection.tenant_name}. Master data is being synced.")
    return redirect("xero:connection", slug=organisation.slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def disconnect(request, slug):
    organisation = _administered(request, slug)
    return accounting_disconnect(request, organisation=organisation, system_name="Xero", namespace="xero",
                                 delete=xero_connection_delete,
                                 approved_waiting=lambda: approved_waiting_count(organisation_id=organisation.pk))


@login_required
@require_POST
def sync_now(request, slug):
    organisation = _administered(request, slug)
    sync_master_data.delay(organisation.pk)
    messages.success(request, "A master-data sync has been queued.")
    return redirect("xero:connection", slug=organisation.slug)


@login_required
@require_POST
def pull_settings(request, slug):
    organisation = _administered(request, slug)
    connection = xero_connection_for(organisation=organisation)
    if connection is None:
        messages.error(request, "Connect Xero first.")
        return redirect("xero:connection", slug=organisation.slug)
    form = PullSettingsForm(request.POST, instance=connection)
    if not form.is_valid():
        return _connection_render(request, organisation, connection, pull_form=form, status=400)
    xero_pull_settings_set(organisation=organisation, **form.cleaned_data)
    messages.success(request, "The settings for bills awaiting approval in Xero are saved.")
    return redirect("xero:connection", slug=organisation.slug)


@login_required
@require_POST
def pull_now(request, slug):
    organisation = _administered(request, slug)
    connection = xero_connection_for(organisation=organisation)
    if connection is None or not connection.pull_bills:
        messages.error(request, "Pulling bills from Xero is off for this organisation: turn it on first.")
        return redirect("xero:connection", slug=organisation.slug)
    pull_bills.delay(organisation.pk)
    messages.success(request, "Bills awaiting approval in Xero are being pulled.")
    return redirect("xero:connection", slug=organisation.slug)


# Xero events about these resources can change master data that requests are coded with.
MASTER_DATA_EVENTS = {"CONTACT"}


def _signature_ok(request) -> bool:
    key = settings.XERO_WEBHOOK_KEY
    if not key:
        return False
    expected = base64.b64encode(hmac.new(key.encode(), request.body, hashlib.sha256).digest()).decode()
    return hmac.compare_digest(expected, request.headers.get("x-xero-signature", ""))


def _tenant_ids(events: list, categories: set[str]) -> set[str]:
    tenants = set()
    for event in events:
        if isinstance(event, dict) and event.get("eventCategory") in categories:
            try:
                tenants.add(str(uuid.UUID(str(event.get("tenantId")))))
            except ValueError:
                continue
    return tenants


@csrf_exempt
@require_POST
def webhooks(request):
    """Xero's webhooks: 401 for a bad signature, 200 with an empty body otherwise (which also answers
    Xero's intent-to-receive check). Events carry no data: they trigger an incremental sync, or
    for bills (`INVOICE`) an incremental pull."""
    if not _signature_ok(request):
        return HttpResponse(status=401)
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, RecursionError):  # RecursionError: JSON nested beyond Python's stack
        return HttpResponse("The body is not JSON.", status=400, content_type="text/plain")
    if not isinstance(body, dict) or not isinstance(body.get("events", []), list):
        return HttpResponse("The body is not a webhook payload.", status=400, content_type="text/plain")
    events = body.get("events") or []
    for organisation_id in organisation_ids_for_tenants(tenant_ids=_tenant_ids(events, MASTER_DATA_EVENTS)):
        sync_master_data.delay(organisation_id, incremental=True)
    # A bill changed: one incremental pull per tenant, however many events name its bills.
    for organisation_id in organisation_ids_for_tenants(tenant_ids=_tenant_ids(events, {"INVOICE"}),
                                                        pulling_bills=True):
        pull_bills.delay(organisation_id)
    return HttpResponse(status=200)
