"""Reads for the Dext API: cost items' status, and the master data Dext pulls."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet

from approvalmax.core import accounting
from approvalmax.core.exceptions import NotFound
from approvalmax.core.models import (
    Account,
    MasterDataList,
    MasterDataListState,
    Organisation,
    Supplier,
    TaxRate,
    TrackingCategory,
    TrackingOption,
)
from dext_integration.models import DEXT_ID_PATTERN, CostItem, DextConnection, MasterDataPush
from workflows.budget_check import budget_check
from workflows.checks import problems_before_approval
from workflows.conversion import conversion_text
from workflows.duplicates import possible_duplicates
from workflows.models import ApprovalRequest, Decision

State = ApprovalRequest.State
# A bank transaction bypasses approval; Dext sees its outcome under these names.
BYPASS_STATUSES = {State.PUBLISHED: "bypassed", State.PUBLISH_FAILED: "bypass_failed"}


def cost_item_get(*, organisation: Organisation, dext_id: str) -> CostItem:
    """The organisation's item; another organisation's is as unknown as one that never existed."""
    item = None
    if DEXT_ID_PATTERN.fullmatch(dext_id):
        item = CostItem.objects.select_related("request").filter(organisation=organisation, dext_id=dext_id).first()
    if item is None:
        raise NotFound(f"No cost item {dext_id!r}.")
    return item


def cost_item_status(*, request: ApprovalRequest) -> str:
    if request.kind == ApprovalRequest.Kind.SPEND_MONEY:
        return BYPASS_STATUSES.get(request.state, request.state)
    if request.state == ApprovalRequest.State.ON_REVIEW:
        return ApprovalRequest.State.ON_APPROVAL  # review is a step of approval; INTERFACES.md has no on_review
    return request.state


def accounting_system_key(*, request: ApprovalRequest) -> str | None:
    """The system the bill went to; before that, the one the organisation is connected to."""
    if request.external_system:
        return request.external_system
    system = accounting.system_for(request.organisation_id)
    return system.key if system else None


def request_warnings(*, request: ApprovalRequest, url: str) -> list[dict]:
    """What the request's approvers are warned of on its page, while it is open."""
    if not request.is_open:
        return []
    duplicates = [{"code": "possible_duplicate", "message": duplicate.describe(),
                   "url": duplicate.url} for duplicate in possible_duplicates(request)]
    check = budget_check(request)
    budgets = [{"code": code, "message": message, "url": url} for code, message in (check.warnings() if check else [])]
    if request.is_foreign and request.base_total is None:
        budgets.append({"code": "no_exchange_rate", "message": conversion_text(request), "url": url})
    return duplicates + budgets + [{"code": "accounting_system_would_refuse", "message": problem, "url": url}
                                   for problem in problems_before_approval(request)]


def request_rejection(*, request: ApprovalRequest) -> Decision | None:
    """The latest rejection of the request's current revision."""
    return (
        request.decisions.filter(revision=request.revision, outcome=Decision.Outcome.REJECTED)
        .select_related("approver")
        .order_by("-decided_at", "-pk")
        .first()
    )


# Master data for Dext (INTERFACES.md §3). A full list is what is active now; an incremental
# one (`updated_since`) is everything that changed, archived rows included, so Dext can drop them.


def _changed(queryset: QuerySet, updated_since: datetime | None) -> QuerySet:
    if updated_since is None:
        return queryset.active()
    return queryset.filter(updated_at__gt=updated_since)


def suppliers_list(*, organisation: Organisation, updated_since: datetime | None = None) -> QuerySet[Supplier]:
    """Contacts the accounting system flags as suppliers, and the suppliers Dext introduced before it has them.

    A supplier new to the accounting system is kept without an external id until a sync brings
    it from there (created when its bill is published); from then on that one stands in its place."""
    organisation_rows = Supplier.objects.filter(organisation=organisation)
    introduced = organisation_rows.active().filter(external_id__isnull=True, is_supplier=True)
    known_there = organisation_rows.active().filter(external_id__isnull=False)
    queryset = organisation_rows.filter(
        Q(is_supplier=True)
        | (Q(external_id__isnull=False) & Exists(introduced.filter(name__iexact=OuterRef("name"))))
    ).exclude(Q(external_id__isnull=True) & Exists(known_there.filter(name__iexact=OuterRef("name"))))
    return _changed(queryset, updated_since).order_by("name", "pk")


def accounts_list(*, organisation: Organisation, updated_since: datetime | None = None) -> QuerySet[Account]:
    """Accounts a line can be coded with: those with a code, bank accounts excepted."""
    queryset = Account.objects.filter(organisation=organisation).exclude(code="").exclude(type="BANK")
    return _changed(queryset, updated_since).order_by("code", "pk")


def tax_rates_list(*, organisation: Organisation, updated_since: datetime | None = None) -> QuerySet[TaxRate]:
    queryset = TaxRate.objects.filter(organisation=organisation, can_apply_to_expenses=True)
    return _changed(queryset, updated_since).order_by("name", "pk")


def bank_accounts_list(*, organisation: Organisation, updated_since: datetime | None = None) -> QuerySet[Account]:
    """Accounts a paid item can be paid from."""
    queryset = Account.objects.filter(organisation=organisation).filter(Q(type="BANK") | Q(enable_payments=True))
    return _changed(queryset, updated_since).order_by("name", "pk")


def tracking_categories_list(
    *, organisation: Organisation, updated_since: datetime | None = None
) -> QuerySet[TrackingCategory]:
    """Categories with their active options; a category changes when one of its options does."""
    queryset = TrackingCategory.objects.filter(organisation=organisation)
    if updated_since is None:
        queryset = queryset.active()
    else:
        queryset = queryset.filter(
            Q(updated_at__gt=updated_since) | Q(options__updated_at__gt=updated_since)
        ).distinct()
    options = Prefetch(
        "options", queryset=TrackingOption.objects.active().order_by("name", "pk"), to_attr="active_options"
    )
    return queryset.prefetch_related(options).order_by("name", "pk")


def master_data_synced_at(*, organisation: Organisation) -> datetime | None:
    """When the organisation's master data last changed, as the sync wrote it."""
    latest = [
        model.objects.filter(organisation=organisation).aggregate(at=Max("updated_at"))["at"]
        for model in (Supplier, Account, TaxRate, TrackingCategory)
    ]
    latest.append(
        TrackingOption.objects.filter(category__organisation=organisation).aggregate(at=Max("updated_at"))["at"]
    )
    return max((at for at in latest if at is not None), default=None)


# What the linked Dext account has of the master data.

# A push that failed is tried again by the periodic check after this long, not every minute; a
# refusal often means Dext has not been given the new key yet.
FAILED_PUSH_RETRY_AFTER = timedelta(minutes=10)


def dext_connection_active(*, organisation: Organisation) -> DextConnection | None:
    return (
        DextConnection.objects.filter(organisation=organisation, revoked_at__isnull=True)
        .order_by("-created_at")
        .first()
    )


def _latest_changes(organisation_ids: list[int]) -> dict[tuple[int, str], datetime]:
    """When a row of each list last changed, archived rows included, per organisation."""
    def per_organisation(queryset, key="organisation_id"):
        return {
            row[key]: row["at"]
            for row in queryset.values(key).annotate(at=Max("updated_at")).order_by()
        }

    suppliers = per_organisation(Supplier.objects.filter(organisation_id__in=organisation_ids))
    accounts = per_organisation(Account.objects.filter(organisation_id__in=organisation_ids))
    tax_rates = per_organisation(TaxRate.objects.filter(organisation_id__in=organisation_ids))
    categories = per_organisation(TrackingCategory.objects.filter(organisation_id__in=organisation_ids))
    options = per_organisation(
        TrackingOption.objects.filter(category__organisation_id__in=organisation_ids), key="category__organisation_id"
    )
    latest = {}
    for organisation_id in organisation_ids:
        tracking = [at for at in (categories.get(organisation_id), options.get(organisation_id)) if at]
        for name, at in {
            MasterDataList.SUPPLIERS: suppliers.get(organisation_id),
            MasterDataList.ACCOUNTS: accounts.get(organisation_id),
            MasterDataList.BANK_ACCOUNTS: accounts.get(organisation_id),
            MasterDataList.TAX_RATES: tax_rates.get(organisation_id),
            MasterDataList.TRACKING_CATEGORIES: max(tracking) if tracking else None,
        }.items():
            if at is not None:
                latest[organisation_id, str(name)] = at
    return latest


def _dext_has_it(state: MasterDataPush | None, connection: DextConnection, changed_at: datetime | None) -> bool:
    if state is None or state.connection_id != connection.pk or state.current_at is None:
        return False
    return changed_at is None or changed_at <= state.current_at


def master_data_pushes_pending(*, now: datetime) -> dict[int, list[str]]:
    """Linked organisations and the lists their Dext account may lack: never pushed to the
    current link, or changed since. A list whose push failed lately waits for the task's retries."""
    connections = {
        c.organisation_id: c for c in DextConnection.objects.filter(revoked_at__isnull=True).order_by("created_at")
    }
    latest = _latest_changes(list(connections))
    states = {
        (s.organisation_id, s.name): s for s in MasterDataPush.objects.filter(organisation_id__in=list(connections))
    }
    pending: dict[int, list[str]] = {}
    for organisation_id, connection in connections.items():
        for name in MasterDataList.values:
            state = states.get((organisation_id, name))
            if state and state.error and state.attempted_at and state.attempted_at > now - FAILED_PUSH_RETRY_AFTER:
                continue
            if not _dext_has_it(state, connection, latest.get((organisation_id, name))):
                pending.setdefault(organisation_id, []).append(name)
    return pending


@dataclass(frozen=True)
class ListForDext:
    """One master-data list on the settings page: synced from the accounting system, and whether Dext has it."""

    name: str
    label: str
    synced_at: datetime | None
    changed_at: datetime | None
    push: MasterDataPush | None
    dext_has_it: bool


def master_data_for_dext(*, organisation: Organisation, connection: DextConnection | None) -> list[ListForDext]:
    synced = {s.name: s for s in MasterDataListState.objects.filter(organisation=organisation)}
    pushes = {p.name: p for p in MasterDataPush.objects.filter(organisation=organisation)}
    latest = _latest_changes([organisation.pk])
    rows = []
    for name, label in MasterDataList.choices:
        state = synced.get(name)
        changed_at = latest.get((organisation.pk, name))
        rows.append(ListForDext(
            name=name,
            label=label,
            synced_at=state.synced_at if state else None,
            changed_at=state.changed_at if state and state.changed_at else changed_at,
            push=pushes.get(name),
            dext_has_it=connection is not None and _dext_has_it(pushes.get(name), connection, changed_at),
        ))
    return rows
