"""Xero as the core sees it: the adapter's `AccountingSystem`, registered in `XeroIntegrationConfig.ready`."""

from celery import signature

from approvalmax.core.accounting import AccountingSystem, ConnectionState

KEY = "xero"


class XeroSystem(AccountingSystem):
    key = KEY
    name = "Xero"
    connection_url_name = "xero:connection"

    def connection(self, organisation_id: int) -> ConnectionState | None:
        from xero_integration.models import XeroConnection

        row = (XeroConnection.objects.filter(organisation_id=organisation_id)
               .values("tenant_name", "status", "problem").first())  # fmt: skip
        if row is None:
            return None
        return ConnectionState(system=self, company_name=row["tenant_name"],
                               connected=row["status"] == XeroConnection.Status.CONNECTED, problem=row["problem"])

    def master_data_refresh(self, organisation_id: int):
        return signature("xero.sync_master_data", args=(organisation_id,))

    def publish_approved(self, organisation_id: int) -> None:
        from xero_integration.tasks import publish_tenant

        # Every approved request of the tenant goes in one publisher's batch, so bills go together.
        publish_tenant.delay_on_commit(organisation_id)

    def exchange_rates(self, organisation_id: int):
        from xero_integration.rates import xero_rates

        return xero_rates(organisation_id)

    def budgets(self, organisation_id: int):
        from xero_integration.budgets import xero_budgets

        return xero_budgets(organisation_id)

    def problems_before_approval(self, request) -> list[str]:
        from xero_integration.preflight import xero_problems_before_approval

        return xero_problems_before_approval(request)
