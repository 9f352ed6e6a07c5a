from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "approvalmax.core"
    label = "core"
    verbose_name = "Organisations and master data"
