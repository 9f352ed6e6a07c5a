"""Writes for budgets: the organisation's policy, and replacing its budgets all at once."""

from django.db import transaction

from approvalmax.budgets.models import Budget, BudgetPolicy
from approvalmax.budgets.upload import budget_rows
from approvalmax.core import accounting
from approvalmax.core.accounting_reads import accounting_read
from approvalmax.core.models import Organisation


def policy_for(organisation: Organisation) -> BudgetPolicy:
    return BudgetPolicy.objects.get_or_create(organisation=organisation)[0]


@transaction.atomic
def budgets_replace(*, organisation: Organisation, rows: list, source: str) -> int:
    """The organisation's budgets become exactly `rows` (each with account_id, tracking_option_id,
    month and amount): all or nothing."""
    Budget.objects.filter(organisation=organisation).delete()
    Budget.objects.bulk_create(
        Budget(organisation=organisation, account_id=row.account_id, tracking_option_id=row.tracking_option_id,
               month=row.month, amount=row.amount, source=source)
        for row in rows)
    return len(rows)


def policy_set(*, organisation: Organisation, period: str, year_starts_in: int, basis: str, origin: str) -> BudgetPolicy:
    policy = policy_for(organisation)
    policy.period, policy.year_starts_in, policy.basis, policy.origin = period, year_starts_in, basis, origin
    policy.save()
    return policy


def budgets_sync(*, organisation_id: int) -> int | None:
    """Replace the budgets with the accounting system's, when the organisation takes them from
    there; the reason is kept on the policy when they cannot be read. Calls the system: a task's work."""
    organisation = Organisation.objects.get(pk=organisation_id)
    policy = policy_for(organisation)
    if policy.origin != BudgetPolicy.Origin.ACCOUNTING:
        return None
    return accounting_read(policy, read=lambda: accounting.budgets_for(organisation_id),
                           write=lambda figures: budgets_replace(organisation=organisation, rows=figures,
                                                                 source=Budget.Source.ACCOUNTING))


@transaction.atomic
def budgets_upload(*, organisation: Organisation, data: bytes, filename: str) -> int:
    """An administrator's file replaces the budgets, and the daily sync stops overwriting them.
    Raises UploadRefused (nothing changed) naming every bad row."""
    rows = budget_rows(organisation, data, filename)
    policy = policy_for(organisation)
    policy.origin = BudgetPolicy.Origin.UPLOAD
    policy.save(update_fields=["origin"])
    return budgets_replace(organisation=organisation, rows=rows, source=Budget.Source.UPLOAD)
