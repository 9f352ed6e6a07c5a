"""Sending the master data to the linked Dext account: what each push sends, and when it is
queued (on commit, after a sync announces a change, or when an administrator links Dext)."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from approvalmax.core import accounting
from approvalmax.core.models import Organisation
from approvalmax.notifications.services import administrators_alert
from dext_integration import master_data
from dext_integration.client import DextAccount, DextRefused, DextUnavailable
from dext_integration.models import DextConnection, MasterDataPush
from dext_integration.services import dext_connection_create


def dext_account_link(*, organisation: Organisation, account_name: str) -> tuple[DextConnection, str]:
    """Link (or relink, or rotate the key of) the organisation's Dext account from its settings
    page: the earlier key stops working at once, and the new link is sent the master data."""
    with transaction.atomic(durable=True):
        connection, key = dext_connection_create(organisation=organisation, account_name=account_name)
        master_data_push_enqueue(organisation_id=organisation.pk, force=True)
    return connection, key


def master_data_push_enqueue(*, organisation_id: int, lists: list[str] | None = None, force: bool = False) -> None:
    """Push on commit, so the task reads what this transaction wrote."""
    from dext_integration.tasks import push_master_data

    push_master_data.delay_on_commit(organisation_id, lists=lists, force=force)


def master_data_refresh_enqueue(*, organisation_id: int) -> None:
    """Refresh the master data from the accounting system, then push what changed to Dext."""
    from celery import chain

    from dext_integration.tasks import push_master_data

    refresh = accounting.master_data_refresh(organisation_id)
    then_push = push_master_data.si(organisation_id)
    transaction.on_commit(lambda: (chain(refresh, then_push) if refresh else then_push).apply_async())


def _push_state_record(*, organisation_id: int, name: str, **values) -> None:
    MasterDataPush.objects.update_or_create(organisation_id=organisation_id, name=name, defaults=values)


def master_data_push(*, organisation_id: int, lists: list[str] | None = None, force: bool = False) -> list[str]:
    """Send the linked Dext account each list whose content it does not have yet; returns
    the names sent. Safe to repeat: a list Dext already has is not sent again unless `force`.

    DextUnavailable propagates (after recording the lists already sent) for the task to retry."""
    connection = (
        DextConnection.objects.filter(organisation_id=organisation_id, revoked_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if connection is None:
        return []
    account = DextAccount(key_hash=connection.key_hash, key_prefix=connection.key_prefix)
    states = {s.name: s for s in MasterDataPush.objects.filter(organisation_id=organisation_id)}
    organisation = connection.organisation
    sent = []
    for name in lists or master_data.LIST_NAMES:
        started_at = timezone.now()
        listed = master_data.full_list(organisation=organisation, name=name)
        state = states.get(name)
        if not force and state and state.connection_id == connection.pk and state.version == listed.version:
            _push_state_record(organisation_id=organisation_id, name=name, current_at=started_at)
            continue
        try:
            account.put_master_data(name=name, body=listed.body())
        except (DextUnavailable, DextRefused) as exc:
            _push_state_record(organisation_id=organisation_id, name=name, attempted_at=started_at, error=str(exc))
            if isinstance(exc, DextUnavailable):
                raise
            _tell_administrators_dext_refuses(organisation, name, str(exc))
            continue
        _push_state_record(
            organisation_id=organisation_id, name=name, connection=connection, version=listed.version,
            row_count=len(listed.results), pushed_at=started_at, current_at=started_at, attempted_at=started_at,
            error="",
        )
        sent.append(name)
    return sent


def _tell_administrators_dext_refuses(organisation: Organisation, name: str, error: str) -> None:
    administrators_alert(
        organisation_id=organisation.pk, topic=f"dext-refuses-{name}",
        headline=f"{organisation.name}: Dext is refusing the {name.replace('_', ' ')}",
        detail=f"Dext refused the {name.replace('_', ' ')} we sent: {error}. Until it accepts them, Dext codes "
               "cost items with what it had before.",
        url=settings.PUBLIC_BASE_URL + reverse("dext:settings", args=[organisation.slug]))
