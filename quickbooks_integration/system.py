"""QuickBooks Online as the core sees it: the adapter's `AccountingSystem`."""

from approvalmax.core.accounting import AccountingSystem, ConnectionState

KEY = "quickbooks"


class QuickBooksSystem(AccountingSystem):
    key = KEY
    name = "QuickBooks Online"
    connection_url_name = "quickbooks:connection"

    def connection(self, organisation_id: int) -> ConnectionState | None:
        from quickbooks_integration.models import QuickBooksConnection

        row = (QuickBooksConnection.objects.filter(organisation_id=organisation_id)
               .values("company_name", "status", "problem").first())  # fmt: skip
        if row is None:
            return None
        return ConnectionState(system=self, company_name=row["company_name"],
                               connected=row["status"] == QuickBooksConnection.Status.CONNECTED,
                               problem=row["problem"])
