from django.apps import AppConfig


class XeroSandboxConfig(AppConfig):
    name = "xero_integration.sandbox"
    label = "xero_sandbox"
    verbose_name = "Xero sandbox"
