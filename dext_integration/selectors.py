"""Reads for the Dext API: cost items' status, and the master data Dext pulls."""

from datetime import datetime

from django.conf import settings
from django.db.models import Max, Prefetch, Q, QuerySet
from django.urls import reverse

from approvalmax.core.exceptions import NotFound
from approvalmax.core.models import Account, Organisation, Supplier, TaxRate, TrackingCategory, TrackingOption
from dext_integration.models import DEXT_ID_PATTERN, CostItem
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
    return request.state


def request_page_url(*, request: ApprovalRequest) -> str:
    return settings.PUBLIC_BASE_URL + reverse("workflows:request_detail", kwargs={"public_id": request.public_id})


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
    queryset = Supplier.objects.filter(organisation=organisation, is_supplier=True)
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
