from django.apps import AppConfig


class DextSandboxConfig(AppConfig):
    name = "dext_integration.sandbox"
    label = "dext_sandbox"
    verbose_name = "Dext sandbox"
