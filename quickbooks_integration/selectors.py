from datetime import timedelta

from django.utils import timezone

from approvalmax.core.models import Organisation
from quickbooks_integration.models import QuickBooksConnection

# Administrators are warned this long before the refresh token's end, so they reconnect in time.
EXPIRY_WARNING = timedelta(days=30)


def quickbooks_connection_for(*, organisation: Organisation) -> QuickBooksConnection | None:
    return QuickBooksConnection.objects.filter(organisation=organisation).first()


def refresh_token_expires_soon(*, connection: QuickBooksConnection) -> bool:
    return connection.refresh_token_expires_at - timezone.now() < EXPIRY_WARNING


def connected_organisation_ids() -> list[int]:
    return list(QuickBooksConnection.objects.filter(status=QuickBooksConnection.Status.CONNECTED)
                .values_list("organisation_id", flat=True))
