from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    name = "approvalmax.budgets"
    label = "budgets"
    verbose_name = "Budgets"
