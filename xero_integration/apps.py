from django.apps import AppConfig


class XeroIntegrationConfig(AppConfig):
    name = "xero_integration"
    verbose_name = "Xero"

    def ready(self) -> None:
        from workflows import checks
        from xero_integration import receivers  # noqa: F401
        from xero_integration.preflight import xero_problems_before_approval

        checks.register(xero_problems_before_approval)
