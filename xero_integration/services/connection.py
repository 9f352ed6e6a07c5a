"""The OAuth2 connection of an organisation to one Xero tenant: connect, refresh, disconnect."""

import base64
import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from approvalmax.core.locks import exclusive
from approvalmax.core.models import Organisation
from approvalmax.notifications.services import reconnect_alert
from xero_integration.client import XeroAccounting, XeroIdentity
from xero_integration.exceptions import XeroAuthError, XeroError, XeroNotConnected
from xero_integration.models import XeroConnection, XeroPendingGrant
from xero_integration.ratebudget import TenantBudget

logger = logging.getLogger(__name__)

# Refresh a little early so a token never expires in the middle of a publish.
REFRESH_MARGIN = timedelta(minutes=2)
# How long a grant for several organisations waits for the administrator's choice.
PENDING_GRANT_LIFETIME = timedelta(minutes=25)


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(64)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def _pick_tenant(organisation: Organisation, tenants: list[dict], tenant_id: str | None) -> dict:
    if tenant_id:
        for tenant in tenants:
            if tenant["tenantId"] == tenant_id:
                return tenant
        raise XeroNotConnected("That Xero organisation was not granted.")
    if not tenants:
        raise XeroNotConnected("No Xero organisation was granted: choose one on Xero's consent page.")
    return tenants[0]


def xero_grant_tenants(*, code: str, redirect_uri: str, code_verifier: str) -> tuple[dict, list[dict]]:
    """Exchange the authorization code; return the tokens and the tenants the person granted."""
    identity = XeroIdentity()
    tokens = identity.exchange_code(code=code, redirect_uri=redirect_uri, code_verifier=code_verifier)
    tenants = [t for t in identity.connections(access_token=tokens.access_token)
               if t.get("tenantType", "ORGANISATION") == "ORGANISATION"]
    return tokens.__dict__, tenants


def xero_connection_create(
    *, organisation: Organisation, tokens: dict, tenants: list[dict], tenant_id: str | None = None
) -> XeroConnection:
    tenant = _pick_tenant(organisation, tenants, tenant_id)
    short_code = ""
    try:
        details = XeroAccounting(access_token=tokens["access_token"], tenant_id=tenant["tenantId"]).organisation()
        short_code = details.get("ShortCode", "")
    except XeroError:
        logger.warning("Could not read the Xero organisation's short code; the next sync will.")
    _disconnect_others(tokens["access_token"], tenants, chosen=tenant)
    from xero_integration.tasks import sync_master_data

    with transaction.atomic():
        XeroConnection.objects.filter(organisation=organisation).delete()
        connection = XeroConnection.objects.create(
            organisation=organisation,
            tenant_id=tenant["tenantId"],
            tenant_name=tenant.get("tenantName", ""),
            connection_id=tenant.get("id"),
            short_code=short_code,
            access_token=tokens["access_token"],
            refresh_token=tokens["refresh_token"],
            access_token_expires_at=timezone.now() + timedelta(seconds=tokens["expires_in"]),
            scopes=tokens.get("scope", ""),
        )
        sync_master_data.delay_on_commit(organisation.pk)
    return connection


def _disconnect_others(access_token: str, tenants: list[dict], *, chosen: dict) -> None:
    """Xero connected every organisation the person ticked; keep only the chosen one."""
    identity = XeroIdentity()
    for tenant in tenants:
        if tenant is chosen or not tenant.get("id"):
            continue
        try:
            identity.delete_connection(access_token=access_token, connection_id=tenant["id"])
        except XeroError:
            logger.warning("Could not disconnect the unchosen Xero organisation %s.", tenant.get("tenantName"))


def xero_pending_grant_create(*, organisation: Organisation, tokens: dict, tenants: list[dict]) -> XeroPendingGrant:
    with transaction.atomic():
        XeroPendingGrant.objects.filter(organisation=organisation).delete()
        return XeroPendingGrant.objects.create(
            organisation=organisation, access_token=tokens["access_token"], refresh_token=tokens["refresh_token"],
            expires_in=tokens["expires_in"], scope=tokens.get("scope", ""),
            tenants=[{"tenantId": t["tenantId"], "tenantName": t.get("tenantName", ""), "id": t.get("id")}
                     for t in tenants])


def xero_pending_grant_for(*, organisation: Organisation) -> XeroPendingGrant:
    grant = XeroPendingGrant.objects.filter(
        organisation=organisation, created_at__gte=timezone.now() - PENDING_GRANT_LIFETIME).first()
    if grant is None:
        raise XeroNotConnected("The choice of Xero organisation has expired. Connect Xero again.")
    return grant


def xero_pending_grant_choose(*, organisation: Organisation, tenant_id: str) -> XeroConnection:
    """Connect the organisation the administrator chose among those the grant covers."""
    grant = xero_pending_grant_for(organisation=organisation)
    tokens = {"access_token": grant.access_token, "refresh_token": grant.refresh_token,
              "expires_in": grant.expires_in, "scope": grant.scope}
    connection = xero_connection_create(organisation=organisation, tokens=tokens, tenants=grant.tenants,
                                        tenant_id=tenant_id)
    grant.delete()
    return connection


def xero_access_token(*, organisation_id: int) -> tuple[str, XeroConnection]:
    """A valid access token. Refreshes hold the connection's row lock, so two processes never
    spend the same refresh token (Xero rotates it and the loser would lose the connection)."""
    connection = XeroConnection.objects.filter(organisation_id=organisation_id).first()
    if connection is None:
        raise XeroNotConnected("This organisation is not connected to Xero.")
    if connection.status != XeroConnection.Status.CONNECTED:
        raise XeroNotConnected("The Xero connection needs reconnecting by an administrator.")
    if connection.access_token_expires_at - REFRESH_MARGIN > timezone.now():
        return connection.access_token, connection
    return _refresh(connection.pk)


def _refresh(connection_pk: int) -> tuple[str, XeroConnection]:
    """One refresh at a time per connection, across processes, and no transaction held while
    Xero answers."""
    with exclusive(f"xero-refresh-{connection_pk}"):
        connection = XeroConnection.objects.get(pk=connection_pk)
        if connection.access_token_expires_at - REFRESH_MARGIN > timezone.now():
            return connection.access_token, connection
        try:
            tokens = XeroIdentity().refresh(refresh_token=connection.refresh_token)
        except XeroAuthError:
            XeroConnection.objects.filter(pk=connection_pk).update(
                status=XeroConnection.Status.NEEDS_RECONNECTING,
                problem="Xero refused to refresh the connection. An administrator must reconnect Xero.",
            )
            _tell_administrators_to_reconnect(connection)
            raise
        connection.access_token = tokens.access_token
        connection.refresh_token = tokens.refresh_token
        connection.access_token_expires_at = timezone.now() + timedelta(seconds=tokens.expires_in)
        connection.scopes = tokens.scope or connection.scopes
        connection.save(update_fields=["access_token", "refresh_token", "access_token_expires_at", "scopes"])
        return connection.access_token, connection


def accounting_for(*, organisation_id: int, max_wait: float | None = None,
                   turn_calls: int | None = None) -> tuple[XeroAccounting, XeroConnection]:
    token, connection = xero_access_token(organisation_id=organisation_id)
    budget = TenantBudget(tenant_id=connection.tenant_id, connection_id=connection.pk, max_wait=max_wait,
                          turn_calls=turn_calls)
    return XeroAccounting(access_token=token, tenant_id=str(connection.tenant_id), budget=budget), connection


def xero_connection_delete(*, organisation: Organisation) -> None:
    """Revoke the grant at Xero, then forget it. A revocation Xero cannot take still disconnects here."""
    connection = XeroConnection.objects.filter(organisation=organisation).first()
    if connection is None:
        return
    try:
        XeroIdentity().revoke(refresh_token=connection.refresh_token)
    except XeroError:
        logger.warning("Revoking the Xero grant failed; deleting the connection anyway.")
    connection.delete()


def _tell_administrators_to_reconnect(connection: XeroConnection) -> None:
    organisation = connection.organisation
    reconnect_alert(organisation=organisation, topic=f"xero-reconnect-{connection.pk}", system_name="Xero",
                    connection_url=settings.PUBLIC_BASE_URL + reverse("xero:connection", args=[organisation.slug]))


@transaction.atomic
def xero_pull_settings_set(*, organisation: Organisation, pull_bills: bool, rejected_prefix: str,
                           reopen_changed_bills: bool) -> XeroConnection:
    connection = XeroConnection.objects.select_for_update().get(organisation=organisation)
    connection.pull_bills, connection.rejected_prefix = pull_bills, rejected_prefix
    connection.reopen_changed_bills = reopen_changed_bills
    connection.save(update_fields=["pull_bills", "rejected_prefix", "reopen_changed_bills"])
    return connection
