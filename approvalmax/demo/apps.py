from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and the demo's Xero connection: the composition root's own commands."""

    name = "approvalmax.demo"
    label = "demo"
