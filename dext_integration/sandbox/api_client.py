"""ApprovalMax's Dext-facing API (INTERFACES.md §3), called over HTTP as Dext's connector does."""

import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import quote, urljoin

import requests

# (connect, read) seconds. A status read happens while a page renders, so it gives up quickly.
PUBLISH_TIMEOUT = (5, 60)
STATUS_TIMEOUT = (2, 5)
# Enough of an answer body to show its error; an HTML error page is not worth keeping whole.
MAX_BODY_CHARS = 20_000


class ApiUnreachable(Exception):
    """No HTTP answer at all: bad URL, refused connection, DNS failure, timeout."""


@dataclass(frozen=True)
class ApiAnswer:
    status: int
    text: str

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def reason(self) -> str:
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return ""

    @property
    def body(self) -> dict[str, Any] | None:
        try:
            parsed = json.loads(self.text)
        except ValueError:
            return None
        return parsed if isinstance(parsed, dict) else None

    @property
    def request_url(self) -> str:
        url = (self.body or {}).get("url")
        return url if isinstance(url, str) else ""

    @property
    def remote_status(self) -> str:
        status = (self.body or {}).get("status")
        return status if isinstance(status, str) else ""

    @property
    def error(self) -> dict[str, Any]:
        error = (self.body or {}).get("error")
        return error if isinstance(error, dict) else {}

    @property
    def error_message(self) -> str:
        message = self.error.get("message")
        return str(message) if message is not None else ""

    @property
    def error_fields(self) -> list[tuple[str, str]]:
        """`error.fields` flattened to (path, message) pairs, e.g. ("line_items[0].tax_type", "…")."""
        return list(_flatten(self.error.get("fields"), ""))


def _flatten(value: Any, path: str):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flatten(inner, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list) and any(isinstance(inner, (dict, list)) for inner in value):
        for index, inner in enumerate(value):
            yield from _flatten(inner, f"{path}[{index}]")
    elif isinstance(value, list):
        for inner in value:
            yield path, str(inner)
    elif value is not None:
        yield path, str(value)


class ApprovalMaxApi:
    """One linked organisation's view of the API: the base URL and its Bearer key."""

    def __init__(self, *, base_url: str, api_key: str, session: requests.Session | None = None):
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self._api_key = api_key
        self._session = session or requests.Session()

    def publish_cost_item(
        self, *, item: dict[str, Any], document: bytes, filename: str, content_type: str
    ) -> ApiAnswer:
        return self._send(
            "POST",
            "cost-items/",
            timeout=PUBLISH_TIMEOUT,
            data={"item": json.dumps(item)},
            files={"document": (filename, document, content_type)},
        )

    def cost_item_status(self, dext_id: str) -> ApiAnswer:
        return self._send("GET", self._item_path(dext_id), timeout=STATUS_TIMEOUT)

    def withdraw_cost_item(self, dext_id: str) -> ApiAnswer:
        return self._send("DELETE", self._item_path(dext_id), timeout=PUBLISH_TIMEOUT)

    @staticmethod
    def _item_path(dext_id: str) -> str:
        return f"cost-items/{quote(dext_id, safe='')}/"

    def _send(self, method: str, path: str, *, timeout, **kwargs) -> ApiAnswer:
        headers = {"Authorization": f"Bearer {self._api_key}", "Accept": "application/json"}
        url = self.base_url + path
        try:
            url = urljoin(self.base_url, path)
            response = self._session.request(
                method, url, headers=headers, timeout=timeout, allow_redirects=False, **kwargs
            )
        except requests.Timeout as exc:
            raise ApiUnreachable(f"{url} did not answer in time.") from exc
        except requests.ConnectionError as exc:
            raise ApiUnreachable(f"could not connect to {url}.") from exc
        except (requests.RequestException, ValueError) as exc:
            raise ApiUnreachable(f"the request to {url} failed ({exc.__class__.__name__}).") from exc
        return ApiAnswer(status=response.status_code, text=response.text[:MAX_BODY_CHARS])
