"""The Dext-facing API, version 1 (INTERFACES.md §3). JSON in, JSON out, errors in one shape."""

import hashlib
import json
import re
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from approvalmax.core.exceptions import ApplicationError, NotFound
from dext_integration import selectors
from dext_integration.auth import DextKeyAuthentication, HasDextKey
from dext_integration.models import CostItem
from dext_integration.parsing import upload_parse
from dext_integration.services import Outcome, cost_item_publish, cost_item_withdraw

PUBLISH_STATUS = {
    Outcome.CREATED: status.HTTP_201_CREATED,
    Outcome.REVISED: status.HTTP_201_CREATED,
    Outcome.UNCHANGED: status.HTTP_200_OK,
    Outcome.BYPASSED: status.HTTP_202_ACCEPTED,
}
MASTER_DATA_PAGE_SIZE = 500
_iso = serializers.DateTimeField().to_representation


class JsonOnly(BaseContentNegotiation):
    """Always JSON, whatever the Accept header asks for: an error is never a 406."""

    def select_parser(self, request, parsers):
        for parser in parsers:
            if request.content_type.split(";")[0].strip().lower() == parser.media_type:
                return parser
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class DextApi(APIView):
    authentication_classes = [DextKeyAuthentication]
    permission_classes = [HasDextKey]
    content_negotiation_class = JsonOnly

    @property
    def organisation(self):
        return self.request.auth.organisation


def _summary(item: CostItem) -> dict:
    request = item.request
    return {
        "id": str(request.public_id),
        "dext_id": item.dext_id,
        "status": selectors.cost_item_status(request=request),
        "url": selectors.request_page_url(request=request),
    }


def _detail(item: CostItem) -> dict:
    request = item.request
    rejection = selectors.request_rejection(request=request)
    return {
        "id": str(request.public_id),
        "dext_id": item.dext_id,
        "status": selectors.cost_item_status(request=request),
        "revision": request.revision,
        "xero_invoice_id": request.external_id or None,
        "xero_url": request.external_url or None,
        "rejection": {
            "by": rejection.approver.get_full_name() or rejection.approver.get_username(),
            "at": _iso(rejection.decided_at),
            "comment": rejection.comment,
        }
        if rejection
        else None,
        "url": selectors.request_page_url(request=request),
    }


class CostItemsApi(DextApi):
    parser_classes = [MultiPartParser]

    def post(self, request):
        upload = upload_parse(request)
        result = cost_item_publish(organisation=self.organisation, item=upload.item, document=upload.document)
        return Response(_summary(result.item), status=PUBLISH_STATUS[result.outcome])


class CostItemApi(DextApi):
    def get(self, request, dext_id: str):
        item = selectors.cost_item_get(organisation=self.organisation, dext_id=dext_id)
        return Response(_detail(item))

    def delete(self, request, dext_id: str):
        cost_item_withdraw(organisation=self.organisation, dext_id=dext_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _supplier(row) -> dict:
    return {"id": str(row.xero_contact_id) if row.xero_contact_id else None, "name": row.name,
            "email": row.email, "status": row.status, "updated_at": _iso(row.updated_at)}


def _account(row) -> dict:
    return {"id": str(row.xero_account_id), "code": row.code, "name": row.name, "type": row.type,
            "tax_type": row.tax_type, "status": row.status, "updated_at": _iso(row.updated_at)}


def _bank_account(row) -> dict:
    return {"id": str(row.xero_account_id), "code": row.code, "name": row.name, "type": row.type,
            "bank_account_number": row.bank_account_number, "currency": row.currency, "status": row.status,
            "updated_at": _iso(row.updated_at)}


def _tax_rate(row) -> dict:
    return {"tax_type": row.tax_type, "name": row.name, "effective_rate": str(row.effective_rate),
            "status": row.status, "updated_at": _iso(row.updated_at)}


def _tracking_category(row) -> dict:
    return {"id": str(row.xero_tracking_category_id), "name": row.name, "status": row.status,
            "options": [{"id": str(o.xero_tracking_option_id), "name": o.name} for o in row.active_options],
            "updated_at": _iso(row.updated_at)}


MASTER_DATA_LISTS = {
    "suppliers": (selectors.suppliers_list, _supplier),
    "accounts": (selectors.accounts_list, _account),
    "tax-rates": (selectors.tax_rates_list, _tax_rate),
    "tracking-categories": (selectors.tracking_categories_list, _tracking_category),
    "bank-accounts": (selectors.bank_accounts_list, _bank_account),
}


def _updated_since(value: str | None) -> datetime | None:
    if value is None:
        return None
    # An unencoded "+" in the offset arrives as a space.
    value = re.sub(r" (\d{2}:?\d{2})$", r"+\1", value.strip())
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise ApplicationError(
            "updated_since must be an ISO 8601 date and time, e.g. 2026-11-02T10:00:00Z.",
            fields={"updated_since": "Not an ISO 8601 date and time."},
        )
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)


def _page(value: str | None) -> int:
    if value is None:
        return 1
    if not (value.isascii() and value.isdigit() and len(value) <= 7 and int(value) >= 1):
        raise ApplicationError("page must be a whole number from 1.", fields={"page": "Not a page number."})
    return int(value)


def _etag_matches(header: str, etag: str) -> bool:
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag in tags


class MasterDataApi(DextApi):
    """`{"results", "next", "synced_at"}` with an ETag; `If-None-Match` answers 304."""

    def get(self, request, list_name: str):
        if list_name not in MASTER_DATA_LISTS:
            raise NotFound(f"No list {list_name!r}; the lists are: {', '.join(MASTER_DATA_LISTS)}.")
        select, render = MASTER_DATA_LISTS[list_name]
        updated_since = _updated_since(request.query_params.get("updated_since"))
        page = _page(request.query_params.get("page"))
        start = (page - 1) * MASTER_DATA_PAGE_SIZE
        queryset = select(organisation=self.organisation, updated_since=updated_since)
        rows = list(queryset[start : start + MASTER_DATA_PAGE_SIZE + 1])
        next_url = None
        if len(rows) > MASTER_DATA_PAGE_SIZE:
            query = {**request.query_params.dict(), "page": page + 1}
            next_url = f"{settings.PUBLIC_BASE_URL}{request.path}?{urlencode(query)}"
        synced_at = selectors.master_data_synced_at(organisation=self.organisation)
        body = {
            "results": [render(row) for row in rows[:MASTER_DATA_PAGE_SIZE]],
            "next": next_url,
            "synced_at": _iso(synced_at) if synced_at else None,
        }
        etag = '"' + hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest() + '"'
        if _etag_matches(request.headers.get("If-None-Match", ""), etag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(body, headers={"ETag": etag})


class UnknownPathApi(DextApi):
    """Anything else under the API's base path: a JSON 404, after authentication."""

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound("There is no such endpoint in the Dext API.")
