"""Reacts to what the core announces: changed master data is pushed to the linked Dext account."""

from django.dispatch import receiver

from approvalmax.core.models import MasterDataList
from approvalmax.core.signals import master_data_changed
from dext_integration.models import DextConnection
from dext_integration.master_data_push import master_data_push_enqueue


@receiver(master_data_changed, dispatch_uid="dext_push_changed_master_data")
def push_changed_master_data(sender, organisation_id: int, lists, **kwargs) -> None:
    names = sorted(set(lists) & set(MasterDataList.values))
    if names and DextConnection.objects.filter(organisation_id=organisation_id, revoked_at__isnull=True).exists():
        master_data_push_enqueue(organisation_id=organisation_id, lists=names)
