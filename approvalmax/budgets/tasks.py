"""Budgets from the accounting system: daily for every organisation that takes them from there,
and when an administrator asks."""

from celery import shared_task

from approvalmax.budgets.models import BudgetPolicy
from approvalmax.budgets.services import budgets_sync
from approvalmax.core import accounting
from approvalmax.core.models import Organisation


@shared_task(name="budgets.sync")
def sync(organisation_id: int) -> int | None:
    return budgets_sync(organisation_id=organisation_id)


@shared_task(name="budgets.sync_all")
def sync_all() -> int:
    """Enqueue each connected organisation whose budgets come from its accounting system."""
    uploading = set(BudgetPolicy.objects.filter(origin=BudgetPolicy.Origin.UPLOAD)
                    .values_list("organisation_id", flat=True))
    due = [pk for pk in Organisation.objects.values_list("pk", flat=True).order_by("pk")
           if pk not in uploading and accounting.connection_for(pk) is not None]
    for organisation_id in due:
        sync.delay(organisation_id)
    return len(due)
