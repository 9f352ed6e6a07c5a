"""QuickBooks Online as the core sees it: the adapter's `AccountingSystem`, registered in
`QuickBooksIntegrationConfig.ready`."""

from celery import signature

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

    def master_data_refresh(self, organisation_id: int):
        return signature("quickbooks.sync_master_data", args=(organisation_id,))

    def publish_approved(self, organisation_id: int) -> None:
        from quickbooks_integration.tasks import publish_realm

        publish_realm.delay_on_commit(organisation_id)

    def budgets(self, organisation_id: int):
        from quickbooks_integration.budgets import quickbooks_budgets

        return quickbooks_budgets(organisation_id)

    def problems_before_approval(self, request) -> list[str]:
        from quickbooks_integration.preflight import quickbooks_problems_before_approval

        return quickbooks_problems_before_approval(request)
