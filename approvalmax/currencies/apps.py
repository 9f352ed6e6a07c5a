from django.apps import AppConfig


class CurrenciesConfig(AppConfig):
    name = "approvalmax.currencies"
    label = "currencies"
    verbose_name = "Exchange rates"
