from django.apps import AppConfig


class QuickBooksSandboxConfig(AppConfig):
    name = "quickbooks_integration.sandbox"
    label = "quickbooks_sandbox"
    verbose_name = "QuickBooks Online sandbox"
