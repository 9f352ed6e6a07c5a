from django.apps import AppConfig


class QuickBooksIntegrationConfig(AppConfig):
    name = "quickbooks_integration"
    verbose_name = "QuickBooks Online"

    def ready(self) -> None:
        from approvalmax.core import accounting
        from quickbooks_integration.system import QuickBooksSystem

        accounting.register(QuickBooksSystem())

        from approvalmax.core.configuration_audit import audit_configuration
        from quickbooks_integration.models import QuickBooksConnection

        # Tokens rotate on every refresh and sync state moves by itself: neither is configuration.
        audit_configuration(QuickBooksConnection, organisation=lambda c: c.organisation_id, ignore=(
            "access_token", "refresh_token", "access_token_expires_at", "refresh_token_expires_at",
            "last_synced_at", "currencies", "connected_at", "paused_until", "problem", "home_currency", "country"))
