"""QuickBooks Online as the core sees it: the adapter's `AccountingSystem`, registered in
`QuickBooksIntegrationConfig.ready`."""

from celery import signature

from django.db.models import BooleanField, ExpressionWrapper, F, Q

from approvalmax.core.accounting import AccountingSystem

KEY = "quickbooks"


class QuickBooksSystem(AccountingSystem):
    key = KEY
    name = "QuickBooks Online"
    connection_url_name = "quickbooks:connection"

    def connection_rows(self, organisation_id: int):
        from quickbooks_integration.models import QuickBooksConnection

        return QuickBooksConnection.objects.filter(organisation_id=organisation_id).values(
            shown_name=F("company_name"), problem_text=F("problem"),
            is_connected=ExpressionWrapper(Q(status=QuickBooksConnection.Status.CONNECTED), output_field=BooleanField()))

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
