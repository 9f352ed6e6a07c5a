"""The company's entities as QBO keeps them: ids from one sequence, `SyncToken`, `MetaData`."""

from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from quickbooks_integration.sandbox.faults import Fault, stamp
from quickbooks_integration.sandbox.models import Company, Entity
from quickbooks_integration.sandbox.query import LIST_ENTITIES, Query

CDC_MAX_DAYS = 30
CDC_MAX_OBJECTS = 1000
DELETED = "Deleted"


def _next_id(company: Company) -> str:
    Company.objects.filter(pk=company.pk).update(next_id=F("next_id") + 1)
    return str(Company.objects.values_list("next_id", flat=True).get(pk=company.pk))


@transaction.atomic
def create(company: Company, kind: str, data: dict) -> dict:
    now = stamp()
    entity_id = _next_id(company)
    data = {**data, "Id": entity_id, "SyncToken": "0", "domain": "QBO", "sparse": False,
            "MetaData": {"CreateTime": now, "LastUpdatedTime": now}}
    Entity.objects.create(company=company, kind=kind, entity_id=entity_id, data=data)
    return data


@transaction.atomic
def save(company: Company, kind: str, data: dict) -> dict:
    """A change made by QBO itself or on the stand-in's pages: a new SyncToken and update time."""
    row = Entity.objects.select_for_update().get(company=company, kind=kind, entity_id=data["Id"])
    data = {**data, "SyncToken": str(int(data.get("SyncToken", "0")) + 1),
            "MetaData": {**data.get("MetaData", {}), "LastUpdatedTime": stamp()}}
    row.data = data
    row.save(update_fields=["data", "updated_at"])
    return data


@transaction.atomic
def delete(company: Company, kind: str, entity_id, sync_token) -> dict:
    """A transaction deleted as QBO deletes it (`?operation=delete` with the current SyncToken): gone
    from reads and queries; change data capture still answers it, with `status: Deleted`."""
    row = _live(company, kind).select_for_update().filter(entity_id=str(entity_id)).first()
    if row is None:
        raise Fault("610", "Object Not Found",
                    "Object Not Found : Something you're trying to use has been made inactive or deleted.")
    if str(sync_token) != row.data.get("SyncToken"):
        raise Fault("5010", "Stale Object Error",
                    "Stale Object Error : You and another user were working on the same thing. "
                    "Please try again", element="SyncToken")
    row.data = {"Id": row.entity_id, "status": DELETED, "domain": "QBO",
                "MetaData": {**row.data.get("MetaData", {}), "LastUpdatedTime": stamp()}}
    row.save(update_fields=["data", "updated_at"])
    return row.data


def _live(company: Company, kind: str):
    # A missing key is not "Deleted" either (a plain exclude would drop rows without the key too).
    return Entity.objects.filter(Q(data__status__isnull=True) | ~Q(data__status=DELETED), company=company, kind=kind)


def get(company: Company, kind: str, entity_id) -> dict | None:
    return _live(company, kind).filter(entity_id=str(entity_id)).values_list("data", flat=True).first()


def of_kind(company: Company, kind: str) -> list[dict]:
    return list(_live(company, kind).order_by("pk").values_list("data", flat=True))


def run_query(company: Company, query: Query) -> dict:
    """The `QueryResponse` of QBO's answer."""
    rows = [entity for entity in of_kind(company, query.kind) if query.matches(entity)]
    if query.kind in LIST_ENTITIES and not query.wants_inactive():
        rows = [entity for entity in rows if entity.get("Active", True)]
    if query.count:
        return {"totalCount": len(rows)}
    if query.order:
        rows.sort(key=lambda entity: str(entity.get(query.order, "")).lower(), reverse=query.descending)
    page = rows[query.start - 1: query.start - 1 + query.max_results]
    if not page:
        return {}
    return {query.kind: page, "startPosition": query.start, "maxResults": len(page)}


def changes(company: Company, kinds: list[str], since) -> list[dict]:
    """CDC: what changed since then, per entity, inactive and deleted ones included."""
    if since < timezone.now() - timedelta(days=CDC_MAX_DAYS):
        raise Fault("4002", "Invalid value for changedSince",
                    f"changedSince cannot be more than {CDC_MAX_DAYS} days in the past.", element="changedSince")
    answers, total = [], 0
    for kind in kinds:
        rows = list(Entity.objects.filter(company=company, kind=kind, updated_at__gt=since)
                    .order_by("updated_at", "pk").values_list("data", flat=True)[:CDC_MAX_OBJECTS - total])
        total += len(rows)
        answers.append({kind: rows, "startPosition": 1, "maxResults": len(rows)} if rows else {})
    return answers
