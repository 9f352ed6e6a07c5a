from django.apps import AppConfig


class DextIntegrationConfig(AppConfig):
    name = "dext_integration"
    verbose_name = "Dext"

    def ready(self) -> None:
        from dext_integration import receivers  # noqa: F401
