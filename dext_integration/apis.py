"""The Dext-facing API, version 1 (INTERFACES.md §3). JSON in, JSON out, errors in one shape."""

import hashlib
import json
import re
from datetime import UTC, datetime
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from approvalmax.core.exceptions import ApplicationError, NotFound
from dext_integration import master_data, selectors
from dext_integration.auth import DextKeyAuthentication, HasDextKey
from dext_integration.models import CostItem
from dext_integration.parsing import upload_parse
from dext_integration.services import Outcome, cost_item_publish, cost_item_withdraw
from workflows.selectors import request_page_url

PUBLISH_STATUS = {
    Outcome.CREATED: status.HTTP_201_CREATED,
    Outcome.REVISED: status.HTTP_201_CREATED,
    Outcome.UNCHANGED: status.HTTP_200_OK,
    Outcome.BYPASSED: status.HTTP_202_ACCEPTED,
}
MASTER_DATA_PAGE_SIZE = 500


class JsonOnly(BaseContentNegotiation):
    """Always JSON, whatever the Accept header asks for: an error is never a 406."""

    def select_parser(self, request, parsers):
        for parser in parsers:
            if request.content_type.split(";")[0].strip().lower() == parser.media_type:
                return parser
        return None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class DextKeyScheme(OpenApiAuthenticationExtension):
    target_class = DextKeyAuthentication
    name = "DextKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "The API key an administrator created when linking the Dext account."}


# What the OpenAPI schema (/api/schema/) says the answers look like.
_ERROR = inline_serializer("Error", {"error": inline_serializer("ErrorBody", {
    "code": serializers.CharField(), "message": serializers.CharField(), "fields": serializers.DictField(),
})})
_SUMMARY = inline_serializer("CostItemSummary", {
    "id": serializers.UUIDField(), "dext_id": serializers.CharField(), "status": serializers.CharField(),
    "url": serializers.URLField(),
})
_DETAIL = inline_serializer("CostItemStatus", {
    "id": serializers.UUIDField(), "dext_id": serializers.CharField(), "status": serializers.CharField(),
    "revision": serializers.IntegerField(),
    "accounting_system": serializers.CharField(allow_null=True, help_text="The registered system's key."),
    "external_id": serializers.CharField(allow_null=True), "external_url": serializers.URLField(allow_null=True),
    "xero_invoice_id": serializers.CharField(allow_null=True), "xero_url": serializers.URLField(allow_null=True),
    "warnings": serializers.ListField(child=inline_serializer("Warning", {
        "code": serializers.CharField(), "message": serializers.CharField(), "url": serializers.URLField(),
    })),
    "rejection": inline_serializer("Rejection", {
        "by": serializers.CharField(), "at": serializers.DateTimeField(), "comment": serializers.CharField(),
    }, allow_null=True),
    "url": serializers.URLField(),
})
_UPLOAD = inline_serializer("CostItemUpload", {
    "item": serializers.CharField(help_text="The cost item as a JSON document (INTERFACES.md §3)."),
    "document": serializers.FileField(help_text="PDF, PNG, JPEG, GIF, TIFF or HEIC, at most 10 MB."),
})
_MASTER_DATA = inline_serializer("MasterDataPage", {
    "results": serializers.ListField(child=serializers.DictField()),
    "next": serializers.URLField(allow_null=True),
    "synced_at": serializers.DateTimeField(allow_null=True),
})


def _documented(**kwargs):
    """`extend_schema` for a view method, on drf-spectacular's AutoSchema whatever DRF's default is."""
    def decorator(method):
        method.kwargs = {"schema": AutoSchema}
        return extend_schema(**kwargs)(method)
    return decorator


def _errors(*codes: int) -> dict:
    return {code: OpenApiResponse(_ERROR) for code in (401, *codes)}


class DextApi(APIView):
    authentication_classes = [DextKeyAuthentication]
    permission_classes = [HasDextKey]
    content_negotiation_class = JsonOnly
    schema = AutoSchema()

    @property
    def organisation(self):
        return self.request.auth.organisation


LEGACY_SYSTEM = "xero"  # the system xero_invoice_id and xero_url were named for


def _legacy(request, value: str) -> str | None:
    """The two fields kept from before the second system carry only that system's values."""
    return (value or None) if request.external_system == LEGACY_SYSTEM else None


def _summary(item: CostItem) -> dict:
    request = item.request
    return {
        "id": str(request.public_id),
        "dext_id": item.dext_id,
        "status": selectors.cost_item_status(request=request),
        "url": request_page_url(request=request),
    }


def _detail(item: CostItem) -> dict:
    request = item.request
    rejection = selectors.request_rejection(request=request)
    return {
        "id": str(request.public_id),
        "dext_id": item.dext_id,
        "status": selectors.cost_item_status(request=request),
        "revision": request.revision,
        "accounting_system": selectors.accounting_system_key(request=request),
        "external_id": request.external_id or None,
        "external_url": request.external_url or None,
        # Kept from before the second accounting system: filled only for the system they name, and the
        # id only for an invoice (a credit note's id is in external_id).
        "xero_invoice_id": None if request.is_credit_note else _legacy(request, request.external_id),
        "xero_url": _legacy(request, request.external_url),
        "warnings": selectors.request_warnings(request=request, url=request_page_url(request=request)),
        "rejection": {
            "by": rejection.approver.get_full_name() or rejection.approver.get_username(),
            "at": master_data.iso(rejection.decided_at),
            "comment": rejection.comment,
        }
        if rejection
        else None,
        "url": request_page_url(request=request),
    }


class CostItemsApi(DextApi):
    parser_classes = [MultiPartParser]

    @_documented(
        operation_id="cost_item_publish",
        request={"multipart/form-data": _UPLOAD},
        responses={200: _SUMMARY, 201: _SUMMARY, 202: _SUMMARY, **_errors(400, 409, 413, 415, 422)},
    )
    def post(self, request):
        upload = upload_parse(request)
        result = cost_item_publish(organisation=self.organisation, item=upload.item, document=upload.document)
        return Response(_summary(result.item), status=PUBLISH_STATUS[result.outcome])


_DEXT_ID = OpenApiParameter("dext_id", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=r"^[^\s/\x00-\x1f\x7f]{1,100}$")


class CostItemApi(DextApi):
    @_documented(operation_id="cost_item_status", parameters=[_DEXT_ID], responses={200: _DETAIL, **_errors(404)})
    def get(self, request, dext_id: str):
        item = selectors.cost_item_get(organisation=self.organisation, dext_id=dext_id)
        return Response(_detail(item))

    @_documented(operation_id="cost_item_withdraw", parameters=[_DEXT_ID],
                 responses={204: None, **_errors(404, 409)})
    def delete(self, request, dext_id: str):
        cost_item_withdraw(organisation=self.organisation, dext_id=dext_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


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

    @_documented(
        operation_id="master_data_list",
        parameters=[
            OpenApiParameter("list_name", OpenApiTypes.STR, OpenApiParameter.PATH, enum=master_data.LIST_NAMES),
            OpenApiParameter("updated_since", OpenApiTypes.DATETIME, description="Only what changed since then."),
            OpenApiParameter("page", OpenApiTypes.INT, description="From 1."),
            OpenApiParameter("If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER),
        ],
        responses={200: _MASTER_DATA, 304: OpenApiResponse(description="Unchanged since that ETag."),
                   **_errors(400, 404)},
    )
    def get(self, request, list_name: str):
        if list_name not in master_data.LISTS:
            raise NotFound(f"No list {list_name!r}; the lists are: {', '.join(master_data.LIST_NAMES)}.")
        updated_since = _updated_since(request.query_params.get("updated_since"))
        page = _page(request.query_params.get("page"))
        start = (page - 1) * MASTER_DATA_PAGE_SIZE
        queryset = master_data.LISTS[list_name].select(organisation=self.organisation, updated_since=updated_since)
        rows = list(queryset[start : start + MASTER_DATA_PAGE_SIZE + 1])
        next_url = None
        if len(rows) > MASTER_DATA_PAGE_SIZE:
            query = {**request.query_params.dict(), "page": page + 1}
            next_url = f"{settings.PUBLIC_BASE_URL}{request.path}?{urlencode(query)}"
        synced_at = selectors.master_data_synced_at(organisation=self.organisation)
        body = {
            "results": master_data.rows_render(name=list_name, rows=rows[:MASTER_DATA_PAGE_SIZE]),
            "next": next_url,
            "synced_at": master_data.iso(synced_at) if synced_at else None,
        }
        etag = '"' + hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest() + '"'
        if _etag_matches(request.headers.get("If-None-Match", ""), etag):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(body, headers={"ETag": etag})


class UnknownPathApi(DextApi):
    """Anything else under the API's base path: a JSON 404, after authentication."""

    schema = None

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound("There is no such endpoint in the Dext API.")
