"""Writes for the Dext link: API keys, and cost items becoming approval requests."""

import enum
import hashlib
import json
import secrets
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from approvalmax.core.exceptions import NotFound
from approvalmax.core.models import Organisation
from dext_integration.auth import key_hash
from dext_integration.exceptions import ItemLocked
from dext_integration.item_content import item_content, item_kind
from dext_integration.models import DEXT_ID_PATTERN, CostItem, DextConnection
from workflows import services as workflow_services
from workflows.content import DocumentContent
from workflows.models import ApprovalRequest

KEY_PREFIX = "amxd_"
State = ApprovalRequest.State
Kind = ApprovalRequest.Kind


@transaction.atomic
def dext_connection_create(*, organisation: Organisation, account_name: str = "") -> tuple[DextConnection, str]:
    """Link a Dext account: a new key, returned in plain text this once and stored only hashed.

    An organisation has one linked Dext account, so earlier keys stop working."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    DextConnection.objects.filter(organisation=organisation, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    connection = DextConnection.objects.create(
        organisation=organisation,
        account_name=account_name,
        key_prefix=key[: DextConnection._meta.get_field("key_prefix").max_length],
        key_hash=key_hash(key),
    )
    return connection, key


@transaction.atomic
def dext_connection_revoke(*, connection_id: int) -> DextConnection:
    connection = DextConnection.objects.select_for_update().get(pk=connection_id)
    if connection.revoked_at is None:
        connection.revoked_at = timezone.now()
        connection.save(update_fields=["revoked_at"])
    return connection


class Outcome(enum.Enum):
    CREATED = "created"  # a new request, on approval
    BYPASSED = "bypassed"  # a new bank transaction, approved without a workflow
    REVISED = "revised"  # a new revision of the item's request
    UNCHANGED = "unchanged"  # the same content again: nothing written


@dataclass(frozen=True)
class PublishResult:
    item: CostItem
    outcome: Outcome


def _fingerprint(item: dict, document: DocumentContent) -> str:
    canonical = json.dumps(item, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{canonical}\n{document.sha256}".encode()).hexdigest()


def _claim(*, organisation: Organisation, dext_id: str, fingerprint: str) -> tuple[int, int | None] | None:
    """The new item's row, inserted and so held by this transaction until it ends, and the id it
    reserved for its request; None when the item exists. A second push of the same item waits on
    this insert until the first push has committed, then finds its item, instead of storing the
    document again. On PostgreSQL the row names its request before the request exists (foreign
    keys are checked at commit), so it is not updated afterwards; elsewhere no id is reserved."""
    table = connection.ops.quote_name(CostItem._meta.db_table)
    reserve = ApprovalRequest.id_reserving_sql(connection.vendor)
    now = timezone.now()
    with transaction.get_connection().cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (organisation_id, dext_id, fingerprint, created_at, updated_at, request_id) "
            f"VALUES (%s, %s, %s, %s, %s, {reserve}) ON CONFLICT (organisation_id, dext_id) DO NOTHING "
            "RETURNING id, request_id",
            [organisation.pk, dext_id, fingerprint, now, now],
        )
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def _locked_item(*, organisation: Organisation, dext_id: str) -> CostItem | None:
    return (
        # The item's row only: its request is locked by the service that changes it.
        CostItem.objects.select_for_update(of=("self",))
        .select_related("request")
        .filter(organisation=organisation, dext_id=dext_id)
        .first()
    )


@transaction.atomic(durable=True)
def cost_item_publish(*, organisation: Organisation, item: dict, document: DocumentContent) -> PublishResult:
    """A cost item Dext publishes: a new request, a new revision of its request, or nothing new.

    `item` is validated by `serializers.item_parse`; this checks it against the organisation's
    master data and arithmetic, and any failure rolls back the item's claimed row with the rest."""
    fingerprint = _fingerprint(item, document)
    claimed = _claim(organisation=organisation, dext_id=item["dext_id"], fingerprint=fingerprint)
    if claimed is not None:
        item_id, request_id = claimed
        content = item_content(organisation, item)
        request = workflow_services.request_create(organisation=organisation, content=content, document=document,
                                                   request_id=request_id)
        if request_id is None:
            CostItem.objects.filter(pk=item_id).update(request=request)
        created = CostItem(pk=item_id, organisation=organisation, dext_id=item["dext_id"], request=request,
                           fingerprint=fingerprint)
        return PublishResult(created, Outcome.BYPASSED if content.kind == Kind.SPEND_MONEY else Outcome.CREATED)

    existing = _locked_item(organisation=organisation, dext_id=item["dext_id"])
    # A retry of what was accepted before is answered as before, even if master data has
    # changed since; a changed item must be valid now.
    request = existing.request
    republished = request.state in (State.REJECTED, State.CANCELLED)
    if existing.fingerprint == fingerprint and not republished:
        return PublishResult(existing, Outcome.UNCHANGED)
    if not request.is_open and not republished:
        raise ItemLocked(
            f"The item's request is {request.get_state_display().lower()} and can no longer change."
        )
    if request.kind != item_kind(item):
        raise ItemLocked(
            f"This item was published as a {request.get_kind_display().lower()}; it cannot become a "
            f"{item_kind(item).label.lower()}. Publish it under a new dext_id."
        )
    content = item_content(organisation, item)
    existing.request = workflow_services.request_resubmit(request_id=request.pk, content=content, document=document)
    existing.fingerprint = fingerprint
    existing.save(update_fields=["fingerprint", "updated_at"])
    return PublishResult(existing, Outcome.REVISED)


@transaction.atomic(durable=True)
def cost_item_withdraw(*, organisation: Organisation, dext_id: str) -> CostItem:
    """Dext deleted the item: cancel its request unless it is approved or published.

    A rejected or cancelled request already will not reach the accounting system, so withdrawing it is a no-op."""
    item = _locked_item(organisation=organisation, dext_id=dext_id) if DEXT_ID_PATTERN.fullmatch(dext_id) else None
    if item is None:
        raise NotFound(f"No cost item {dext_id!r}.")
    if item.request.state in (State.REJECTED, State.CANCELLED):
        return item
    if not item.request.is_open:
        raise ItemLocked(
            f"The item's request is {item.request.get_state_display().lower()} and can no longer be withdrawn."
        )
    item.request = workflow_services.request_cancel(request_id=item.request_id, actor_label="Dext")
    return item
