from django.apps import AppConfig


class DextIntegrationConfig(AppConfig):
    name = "dext_integration"
    verbose_name = "Dext"
