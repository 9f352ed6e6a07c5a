"""Writes for budgets: the organisation's policy, and replacing its budgets all at once."""

from django.db import transaction

from approvalmax.budgets.models import Budget, BudgetPolicy
from approvalmax.budgets.upload import BudgetRow, budget_rows
from approvalmax.core.models import Organisation


def policy_for(organisation: Organisation) -> BudgetPolicy:
    return BudgetPolicy.objects.get_or_create(organisation=organisation)[0]


@transaction.atomic
def budgets_replace(*, organisation: Organisation, rows: list[BudgetRow], source: str) -> int:
    """The organisation's budgets become exactly `rows`: all or nothing."""
    Budget.objects.filter(organisation=organisation).delete()
    Budget.objects.bulk_create(
        Budget(organisation=organisation, account=row.account, tracking_option=row.tracking_option, month=row.month,
               amount=row.amount, source=source)
        for row in rows)
    return len(rows)


@transaction.atomic
def budgets_upload(*, organisation: Organisation, data: bytes, filename: str) -> int:
    """An administrator's file replaces the budgets, and the daily sync stops overwriting them.
    Raises UploadRefused (nothing changed) naming every bad row."""
    rows = budget_rows(organisation, data, filename)
    policy = policy_for(organisation)
    policy.origin = BudgetPolicy.Origin.UPLOAD
    policy.save(update_fields=["origin"])
    return budgets_replace(organisation=organisation, rows=rows, source=Budget.Source.UPLOAD)
