from django.apps import AppConfig


class XeroIntegrationConfig(AppConfig):
    name = "xero_integration"
    verbose_name = "Xero"

    def ready(self) -> None:
        from approvalmax.core import accounting
        from xero_integration.system import XeroSystem

        accounting.register(XeroSystem())

        from approvalmax.core.configuration_audit import audit_configuration
        from xero_integration.models import XeroConnection

        # Tokens rotate on every refresh and sync state moves by itself: neither is configuration.
        audit_configuration(XeroConnection, organisation=lambda c: c.organisation_id, ignore=(
            "access_token", "refresh_token", "access_token_expires_at", "last_synced_at", "xero_timezone",
            "period_lock_date", "end_of_year_lock_date", "currencies", "connected_at", "paused_until",
            "paused_problem", "publish_retry_at", "problem", "bills_synced_at", "bills_pulled_at", "pull_problem",
            "pull_retry_ids"))
        from xero_integration import receivers  # noqa: F401  (connects the engine's signals)
