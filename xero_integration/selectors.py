from datetime import datetime

from django.utils import timezone

from approvalmax.core.models import Organisation
from approvalmax.core.selectors import organisations_at_sync_hour
from xero_integration.models import XeroConnection


def xero_connection_for(*, organisation: Organisation) -> XeroConnection | None:
    return XeroConnection.objects.filter(organisation=organisation).first()


def xero_publishing_paused_until(*, connection: XeroConnection) -> datetime | None:
    """When Xero's 429 told us to stop calling this tenant, and that time is still ahead."""
    if connection.paused_until and connection.paused_until > timezone.now():
        return connection.paused_until
    return None


def connected_organisation_ids() -> list[int]:
    return list(XeroConnection.objects.filter(status=XeroConnection.Status.CONNECTED)
                .values_list("organisation_id", flat=True))


def organisations_pulling_bills() -> list[int]:
    return list(XeroConnection.objects.filter(status=XeroConnection.Status.CONNECTED, pull_bills=True)
                .values_list("organisation_id", flat=True))


def organisation_ids_for_tenants(*, tenant_ids: set[str], pulling_bills: bool = False) -> list[int]:
    connections = XeroConnection.objects.filter(tenant_id__in=tenant_ids, status=XeroConnection.Status.CONNECTED)
    if pulling_bills:
        connections = connections.filter(pull_bills=True)
    return list(connections.values_list("organisation_id", flat=True))


def organisations_due_for_daily_sync(*, now: datetime | None = None) -> list[int]:
    """Connected organisations whose local time is within MASTER_DATA_SYNC_HOUR."""
    rows = XeroConnection.objects.filter(status=XeroConnection.Status.CONNECTED).values_list(
        "organisation_id", "organisation__timezone")
    return organisations_at_sync_hour(rows, now=now or timezone.now())
