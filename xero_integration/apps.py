from django.apps import AppConfig


class XeroIntegrationConfig(AppConfig):
    name = "xero_integration"
    verbose_name = "Xero"

    def ready(self) -> None:
        from xero_integration import receivers  # noqa: F401
