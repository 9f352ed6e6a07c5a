"""Xero's JSON dialect: MS-JSON dates, numbers as numbers, the answer envelope and error bodies."""

import calendar
import json
import re
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone

from xero_integration.sandbox.oauth import APP_NAME

ZERO_GUID = "00000000-0000-0000-0000-000000000000"
_MS_DATE = re.compile(r"^/Date\((-?\d+)([+-]\d{4})?\)/$")


class PostDataInvalid(Exception):
    """The body is not what Xero can deserialise; the whole request fails, nothing is created."""


def ms_date(value: date) -> str:
    return f"/Date({calendar.timegm(value.timetuple()) * 1000}+0000)/"


def ms_datetime(value: datetime) -> str:
    return f"/Date({int(value.timestamp() * 1000)}+0000)/"


def date_string(value: date) -> str:
    return value.strftime("%Y-%m-%dT00:00:00")


def identity_datetime(value: datetime) -> str:
    """The identity service's form: `2019-12-07T18:46:19.5165400` (UTC, seven digits, no zone)."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0"


def parse_date(value: str) -> date:
    """`YYYY-MM-DD`, an ISO date-time (its date is used) or Xero's `/Date(ms+0000)/`."""
    match = _MS_DATE.match(value)
    if match:
        return datetime.fromtimestamp(int(match.group(1)) / 1000, tz=UTC).date()
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        raise PostDataInvalid(f"Could not convert string to DateTime: {value}.") from None


class _XeroEncoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, Decimal):
            return float(o)
        if isinstance(o, uuid.UUID):
            return str(o)
        return super().default(o)


def dumps(payload) -> bytes:
    return json.dumps(payload, cls=_XeroEncoder).encode()


def json_response(payload, status: int = 200) -> HttpResponse:
    return HttpResponse(dumps(payload), status=status, content_type="application/json; charset=utf-8")


def envelope(plural: str, items: list, **extra) -> dict:
    return {
        "Id": str(uuid.uuid4()),
        "Status": "OK",
        "ProviderName": APP_NAME,
        "DateTimeUTC": f"/Date({int(timezone.now().timestamp() * 1000)})/",
        **extra,
        plural: items,
    }


def problem(status: int, title: str, detail: str) -> HttpResponse:
    """The gateway's own errors (401, 403, 429): RFC 7807 problem details, as Xero sends them."""
    body = {
        "Type": None,
        "Title": title,
        "Status": status,
        "Detail": detail,
        "Instance": str(uuid.uuid4()),
        "Extensions": {},
    }
    return json_response(body, status=status)


def validation_exception(elements: list[dict]) -> HttpResponse:
    return json_response(
        {
            "ErrorNumber": 10,
            "Type": "ValidationException",
            "Message": "A validation exception occurred",
            "Elements": elements,
        },
        status=400,
    )


def post_data_invalid(detail: str) -> HttpResponse:
    return json_response(
        {
            "ErrorNumber": 14,
            "Type": "PostDataInvalidException",
            "Message": f"JSON for post data was invalid,{detail}",
        },
        status=400,
    )


def not_found() -> HttpResponse:
    return HttpResponse(
        "The resource you're looking for cannot be found", status=404, content_type="text/plain; charset=utf-8"
    )


def parse_body(body: bytes) -> dict:
    try:
        payload = json.loads(body.decode("utf-8"), parse_float=Decimal)
    except (UnicodeDecodeError, ValueError) as exc:
        raise PostDataInvalid(f"{exc}.") from None
    if not isinstance(payload, dict):
        raise PostDataInvalid("Cannot deserialize the current JSON array into the requested type. Path ''.")
    return payload
