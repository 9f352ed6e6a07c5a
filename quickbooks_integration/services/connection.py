"""The OAuth 2.0 connection of an organisation to one QuickBooks Online company: connect,
refresh, disconnect."""

import logging
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from approvalmax.core import accounting
from approvalmax.core.locks import exclusive
from approvalmax.core.models import Organisation
from approvalmax.notifications.services import reconnect_alert
from quickbooks_integration.client import IntuitIdentity, QuickBooksAccounting, TokenSet
from quickbooks_integration.exceptions import QuickBooksAuthError, QuickBooksError, QuickBooksNotConnected
from quickbooks_integration.models import QuickBooksConnection
from quickbooks_integration.ratebudget import RealmBudget
from quickbooks_integration.system import KEY

logger = logging.getLogger(__name__)

# Refresh a little early so a token never expires in the middle of a publish.
REFRESH_MARGIN = timedelta(minutes=2)


def _token_fields(tokens: TokenSet) -> dict:
    now = timezone.now()
    return {"access_token": tokens.access_token, "refresh_token": tokens.refresh_token,
            "access_token_expires_at": now + timedelta(seconds=tokens.expires_in),
            "refresh_token_expires_at": now + timedelta(seconds=tokens.refresh_token_expires_in)}


def refuse_a_second_system(organisation: Organisation) -> None:
    refusal = accounting.another_system_refusal(organisation.pk, KEY)
    if refusal:
        raise QuickBooksNotConnected(refusal)


def quickbooks_connection_create(*, organisation: Organisation, code: str, realm_id: str,
                                 redirect_uri: str) -> QuickBooksConnection:
    """Exchange the authorization code for the company the person chose, read its details, and
    keep the connection (replacing an earlier one of this organisation)."""
    refuse_a_second_system(organisation)
    if not realm_id.isdigit():
        raise QuickBooksNotConnected("Intuit's answer named no company (realmId). Connect again.")
    tokens = IntuitIdentity().exchange_code(code=code, redirect_uri=redirect_uri)
    client = QuickBooksAccounting(access_token=tokens.access_token, realm_id=realm_id)
    company = client.company_info()
    currency = client.preferences().get("CurrencyPrefs", {})
    home = (currency.get("HomeCurrency") or {}).get("value", "")
    connection, _ = QuickBooksConnection.objects.update_or_create(organisation=organisation, defaults={
        "realm_id": realm_id, "company_name": company.get("CompanyName", ""), "country": company.get("Country", ""),
        "home_currency": home, "currencies": [home] if home else [], "scopes": settings.QBO_SCOPES,
        "status": QuickBooksConnection.Status.CONNECTED, "problem": "", "paused_until": None,
        **_token_fields(tokens)})
    return connection


def quickbooks_access_token(*, organisation_id: int) -> tuple[str, QuickBooksConnection]:
    connection = QuickBooksConnection.objects.filter(organisation_id=organisation_id).first()
    if connection is None:
        raise QuickBooksNotConnected("This organisation is not connected to QuickBooks Online.")
    if connection.status != QuickBooksConnection.Status.CONNECTED:
        raise QuickBooksNotConnected("The QuickBooks Online connection needs reconnecting by an administrator.")
    if connection.access_token_expires_at - REFRESH_MARGIN > timezone.now():
        return connection.access_token, connection
    return quickbooks_refresh(connection_pk=connection.pk)


def quickbooks_refresh(*, connection_pk: int, token_in_use: str = "") -> tuple[str, QuickBooksConnection]:
    """One refresh at a time per connection, across processes (the core's named lock, as for
    Xero), and no transaction held while Intuit answers. `token_in_use` is the access token QBO
    just refused: when another process has already replaced it, that newer one is used."""
    with exclusive(f"quickbooks-refresh-{connection_pk}"):
        connection = QuickBooksConnection.objects.get(pk=connection_pk)
        replaced = token_in_use and connection.access_token != token_in_use
        if replaced or (not token_in_use and connection.access_token_expires_at - REFRESH_MARGIN > timezone.now()):
            return connection.access_token, connection
        try:
            tokens = IntuitIdentity().refresh(refresh_token=connection.refresh_token)
        except QuickBooksAuthError:
            QuickBooksConnection.objects.filter(pk=connection_pk).update(
                status=QuickBooksConnection.Status.NEEDS_RECONNECTING,
                problem="Intuit refused to refresh the connection. An administrator must reconnect QuickBooks Online.")
            _tell_administrators_to_reconnect(connection)
            raise
        # Intuit may answer with a new refresh token at any refresh: the newest is always kept.
        for name, value in _token_fields(tokens).items():
            setattr(connection, name, value)
        connection.save(update_fields=["access_token", "refresh_token", "access_token_expires_at",
                                       "refresh_token_expires_at"])
        return connection.access_token, connection


def accounting_for(*, organisation_id: int, max_wait: float | None = None,
                   turn_calls: int | None = None) -> tuple[QuickBooksAccounting, QuickBooksConnection]:
    token, connection = quickbooks_access_token(organisation_id=organisation_id)
    budget = RealmBudget(realm_id=connection.realm_id, connection_id=connection.pk, max_wait=max_wait,
                         turn_calls=turn_calls)
    client = QuickBooksAccounting(access_token=token, realm_id=connection.realm_id, budget=budget)
    client.refresh = lambda: quickbooks_refresh(connection_pk=connection.pk,
                                                token_in_use=client.headers["Authorization"][7:])[0]
    return client, connection


def quickbooks_connection_delete(*, organisation: Organisation) -> None:
    """Revoke the grant at Intuit, then forget it. A revocation Intuit cannot take still disconnects here."""
    connection = QuickBooksConnection.objects.filter(organisation=organisation).first()
    if connection is None:
        return
    try:
        IntuitIdentity().revoke(token=connection.refresh_token)
    except QuickBooksError:
        logger.warning("Revoking the QuickBooks Online grant failed; deleting the connection anyway.")
    connection.delete()


def _tell_administrators_to_reconnect(connection: QuickBooksConnection) -> None:
    organisation = connection.organisation
    reconnect_alert(organisation=organisation, topic=f"quickbooks-reconnect-{connection.pk}", system_name="QuickBooks Online",
                    connection_url=settings.PUBLIC_BASE_URL + reverse("quickbooks:connection", args=[organisation.slug]))
