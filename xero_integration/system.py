"""Xero as the core sees it: the adapter's `AccountingSystem`, registered in `XeroIntegrationConfig.ready`."""

from celery import signature

from django.db.models import BooleanField, ExpressionWrapper, F, Q

from approvalmax.core.accounting import AccountingSystem

KEY = "xero"


class XeroSystem(AccountingSystem):
    key = KEY
    name = "Xero"
    connection_url_name = "xero:connection"

    def connection_rows(self, organisation_id: int):
        from xero_integration.models import XeroConnection

        return XeroConnection.objects.filter(organisation_id=organisation_id).values(
            shown_name=F("tenant_name"), problem_text=F("problem"),
            is_connected=ExpressionWrapper(Q(status=XeroConnection.Status.CONNECTED), output_field=BooleanField()))

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
