"""What the Accounting API's endpoints share: query parameters read as Xero reads them, batch
answers (`summarizeErrors`), listings with paging, `If-Modified-Since`."""

import math
import re
import uuid
from datetime import UTC, datetime
from urllib.parse import quote

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.http import parse_http_date_safe

from xero_integration.sandbox.gateway import ApiCall
from xero_integration.sandbox.clean import ValidationFailed
from xero_integration.sandbox.xero_json import ZERO_GUID, envelope, json_response, validation_exception

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


def saved(element: dict) -> tuple[dict, bool]:
    return {**element, "StatusAttributeString": "OK"}, True


def failed_element(raw: dict, failed: ValidationFailed, *, id_field: str, flag: str) -> tuple[dict, bool]:
    """Xero echoes the element as sent, with an empty id and the reasons."""
    element = {id_field: ZERO_GUID, **raw}
    element.update(
        {flag: True, "StatusAttributeString": "ERROR", "ValidationErrors": [{"Message": m} for m in failed.messages]}
    )
    return element, False


def batch_answer(call: ApiCall, plural: str, results: list[tuple[dict, bool]]) -> HttpResponse:
    """summarizeErrors (default true): any failure makes a 400 naming the failures, yet the others stay created."""
    failures = [element for element, ok in results if not ok]
    if failures and (query(call, "summarizeErrors") or "true").lower() != "false":
        return validation_exception(failures)
    return json_response(envelope(plural, [element for element, _ in results]))


def listing(call: ApiCall, plural: str, rows: QuerySet, to_json) -> HttpResponse:
    page = int_or_none(query(call, "page"))
    if page is None:
        return json_response(envelope(plural, [to_json(row) for row in rows]))
    size = min(max(int_or_none(query(call, "pageSize")) or DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE)
    page = max(page, 1)
    count = rows.count()
    pagination = {"page": page, "pageSize": size, "pageCount": math.ceil(count / size), "itemCount": count}
    items = [to_json(row) for row in rows[(page - 1) * size : page * size]]
    return json_response(envelope(plural, items, pagination=pagination))


def modified(call: ApiCall, rows: QuerySet) -> QuerySet:
    since = if_modified_since(call)
    return rows.filter(updated_at__gt=since) if since else rows


def if_modified_since(call: ApiCall) -> datetime | None:
    """An HTTP date or an ISO 8601 time; Xero reads a time without a zone as UTC."""
    value = call.request.headers.get("If-Modified-Since", "").strip()
    if not value:
        return None
    timestamp = parse_http_date_safe(value)
    if timestamp is not None:
        return datetime.fromtimestamp(timestamp, tz=UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def query(call: ApiCall, name: str) -> str | None:
    """Query parameters by name, ignoring case as Xero does."""
    wanted = name.lower()
    return next((value for key, value in call.request.GET.items() if key.lower() == wanted), None)


def flag(call: ApiCall, name: str) -> bool:
    return (query(call, name) or "").lower() == "true"


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def guid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def guids(value: str | None) -> list[uuid.UUID] | None:
    if not value:
        return None
    return [guid for guid in (guid(part.strip()) for part in value.split(",")) if guid]


def attachment_url(call: ApiCall, endpoint: str, parent_id, file_name: str) -> str:
    path = call.request.path
    base = path[: path.lower().index("/api.xro/2.0/") + len("/api.xro/2.0/")]
    return call.request.build_absolute_uri(f"{base}{endpoint}/{parent_id}/Attachments/{quote(file_name)}")


_CLAUSE = re.compile(r'^\s*(\w+)\s*==\s*"([^"]*)"\s*$')


class UnsupportedFilter(ValueError):
    pass


def where(call: ApiCall, rows: QuerySet, fields: dict[str, str]) -> QuerySet:
    """Xero's `where`, as far as its simplest form goes: `Field=="value"` clauses joined by AND."""
    text = query(call, "where")
    if not text:
        return rows
    for clause in re.split(r"\s+AND\s+|&&", text, flags=re.IGNORECASE):
        match = _CLAUSE.match(clause)
        if not match or match.group(1) not in fields:
            raise UnsupportedFilter(f"The where clause {clause.strip()!r} is not one this sandbox understands "
                                    f"(Field==\"value\" on {', '.join(fields)}).")
        rows = rows.filter(**{fields[match.group(1)]: match.group(2)})
    return rows


def ordered(call: ApiCall, rows: QuerySet, fields: dict[str, str]) -> QuerySet:
    """Xero's `order`: one field, then ASC or DESC."""
    text = (query(call, "order") or "").split()
    if not text or text[0] not in fields:
        return rows
    descending = len(text) > 1 and text[1].upper() == "DESC"
    return rows.order_by(("-" if descending else "") + fields[text[0]], "-created_at" if descending else "created_at")
