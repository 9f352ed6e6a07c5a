"""Property-style: whatever arrives, the API answers with a status below 500 and, for an error,
the JSON error shape. Seeded, so a failure can be replayed."""

import json
import random
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tests.builders import MINIMAL_PDF, MINIMAL_PNG
from tests.dext_integration.conftest import EXAMPLE_ITEM, make_item

pytestmark = pytest.mark.django_db

ROUNDS = 150


def junk_value(rng: random.Random, depth: int = 0):
    choices = [
        lambda: None, lambda: True, lambda: False, lambda: 0, lambda: -1, lambda: rng.randint(-10**30, 10**30),
        lambda: rng.random() * 10 ** rng.randint(-5, 308), lambda: "", lambda: " ", lambda: "x" * rng.randint(1, 5000),
        lambda: "\ud800", lambda: "bad\x00nul", lambda: "\u202eevil", lambda: "١٢٣", lambda: "4.50",
        lambda: "-0.00", lambda: "9" * 60, lambda: "1e400", lambda: "NaN", lambda: "2026-02-29", lambda: "GBP",
        lambda: "Exclusive", lambda: "bill", lambda: "bank_transaction", lambda: "credit_note",
        lambda: "429", lambda: "INPUT2", lambda: "00000000-0000-0000-0000-000000000000", lambda: "<script>",
    ]
    if depth < 3:
        choices += [
            lambda: [junk_value(rng, depth + 1) for _ in range(rng.randint(0, 4))],
            lambda: {rng.choice(["name", "category", "option", "quantity", "x", ""]): junk_value(rng, depth + 1)
                     for _ in range(rng.randint(0, 4))},
        ]
    return rng.choice(choices)()


def paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from paths(inner, (*prefix, index))


def mutated_item(rng: random.Random) -> dict:
    item = make_item()
    for _ in range(rng.choice([1, 1, 1, 2, 4])):
        path = rng.choice([p for p in paths(item) if p])
        parent = item
        for step in path[:-1]:
            parent = parent[step]
        if rng.random() < 0.3 and isinstance(parent, dict):
            parent.pop(path[-1], None)
        else:
            parent[path[-1]] = junk_value(rng)
    return item


def junk_item_text(rng: random.Random) -> str:
    options = [
        lambda: json.dumps(mutated_item(rng)),
        lambda: json.dumps(junk_value(rng)),
        lambda: json.dumps(make_item())[: rng.randint(0, 400)],
        lambda: "[" * rng.randint(1, 50_000),
        lambda: '{"total": ' + "1" * 5000 + "}",
        lambda: '{"total": NaN, "tax_total": Infinity}',
        lambda: bytes(rng.randrange(256) for _ in range(rng.randint(0, 200))).decode("latin-1"),
        lambda: json.dumps({**make_item(), "line_items": [EXAMPLE_ITEM["line_items"][0]] * rng.randint(0, 700)}),
    ]
    return rng.choice(options)()


def junk_document(rng: random.Random) -> bytes:
    if rng.random() < 0.6:
        return MINIMAL_PDF
    options = [
        lambda: MINIMAL_PDF, lambda: MINIMAL_PNG, lambda: b"", lambda: b"MZ" + bytes(200),
        lambda: bytes(rng.randrange(256) for _ in range(rng.randint(1, 3000))),
        lambda: b"\x00\x00\x00\x18ftypheic" + bytes(rng.randrange(256) for _ in range(40)),
        lambda: b"\x00\x00\xff\xffftyp" + bytes(8),
        lambda: MINIMAL_PDF[: rng.randint(1, 20)],
    ]
    return rng.choice(options)()


def multipart(rng: random.Random) -> tuple[bytes, str]:
    """A hand-built body: sometimes well formed, often not."""
    boundary = "b0undary" if rng.random() < 0.7 else rng.choice(["", "x" * 80, "é", "a b", "--"])
    filename = rng.choice(["INV.pdf", "", ".", "..", "../../etc/passwd", "a\x00b.pdf", "über.png", "x" * 400,
                           "C:\\Users\\sam\\scan.pdf", '"quoted".pdf'])
    parts = []
    if rng.random() < 0.9:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="item"\r\n\r\n'.encode()
            + junk_item_text(rng).encode("utf-8", "surrogatepass")
            + b"\r\n"
        )
    if rng.random() < 0.9:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="document"; filename="{filename}"\r\n'
            f"Content-Type: {rng.choice(['application/pdf', 'text/html', '', 'x'])}\r\n\r\n".encode("utf-8", "replace")
            + junk_document(rng)
            + b"\r\n"
        )
    body = b"".join(parts) + (f"--{boundary}--\r\n".encode() if rng.random() < 0.8 else b"")
    if rng.random() < 0.2:
        cut = rng.randint(0, len(body))
        body = body[:cut]
    content_type = f"multipart/form-data; boundary={boundary}" if rng.random() < 0.6 else rng.choice([
        f"multipart/form-data; boundary={boundary}; charset=utf-16",
        "multipart/form-data",
        "multipart/mixed; boundary=b0undary",
        "application/json",
        "application/x-www-form-urlencoded",
        "text/plain",
        "",
    ])
    return body, content_type


def assert_answered(response):
    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400:
        body = response.json()
        assert set(body["error"]) == {"code", "message", "fields"}, body


@pytest.mark.parametrize("seed", range(4))
def test_junk_publishes_never_fail_the_server(api, ready, seed):
    rng = random.Random(seed)
    for _ in range(ROUNDS):
        body, content_type = multipart(rng)
        response = api.generic("POST", "/api/dext/v1/cost-items/", body, content_type=content_type)
        assert_answered(response)


@pytest.mark.parametrize("seed", range(4))
def test_junk_items_through_a_proper_client_never_fail_the_server(api, ready, seed):
    rng = random.Random(1000 + seed)
    for _ in range(ROUNDS):
        document = SimpleUploadedFile("doc.pdf", junk_document(rng))
        response = api.post("/api/dext/v1/cost-items/", {"item": junk_item_text(rng), "document": document},
                            format="multipart")
        assert_answered(response)


def test_junk_paths_and_queries_never_fail_the_server(api, ready):
    rng = random.Random(7)
    for _ in range(ROUNDS):
        raw = bytes(rng.randrange(256) for _ in range(rng.randint(0, 150)))
        segment = quote(raw, safe="")
        query = quote(raw, safe="=&")
        for method, path in [
            ("GET", f"/api/dext/v1/cost-items/{segment}/"),
            ("DELETE", f"/api/dext/v1/cost-items/{segment}/"),
            ("PUT", f"/api/dext/v1/cost-items/{segment}/"),
            ("GET", f"/api/dext/v1/{segment}/"),
            ("GET", f"/api/dext/v1/suppliers/?updated_since={query}&page={query}"),
            ("GET", f"/api/dext/v1/accounts/?{query}"),
        ]:
            assert_answered(api.generic(method, path))


def test_junk_authorization_headers_are_refused(ready, dext_key):
    rng = random.Random(11)
    for n in range(ROUNDS):
        raw = "x" + bytes(rng.randrange(32, 256) for _ in range(rng.randint(0, 120))).decode("latin-1")
        header = rng.choice([raw, f"Bearer {raw}", f"bearer {dext_key}{raw}", f"Bearer  {raw} {dext_key}"])
        # One address each: from one, repeated failures are throttled (test_key_throttle).
        client = APIClient(REMOTE_ADDR=f"10.0.{n // 250}.{n % 250 + 1}")
        client.credentials(HTTP_AUTHORIZATION=header)
        response = client.get("/api/dext/v1/cost-items/CI-1/")
        assert response.status_code == 401, header
        assert_answered(response)
