"""Uploads a publish refuses, and what it accepts at the edges: the multipart body, the item's
JSON and the document (by content, not by name; its size)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import files
from tests.builders import MINIMAL_PDF, MINIMAL_PNG
from tests.dext_integration.conftest import assert_nothing_written, error, make_item, publish
from workflows.models import ApprovalRequest

pytestmark = pytest.mark.django_db


# The multipart body


def test_a_missing_item_part_is_a_400(api, ready):
    response = api.post("/api/dext/v1/cost-items/", {"document": SimpleUploadedFile("a.pdf", MINIMAL_PDF)},
                        format="multipart")

    assert response.status_code == 400
    assert error(response)["fields"] == {"item": "This part is required."}


def test_a_missing_document_part_is_a_400(api, ready):
    response = api.post("/api/dext/v1/cost-items/", {"item": json.dumps(make_item())}, format="multipart")

    assert response.status_code == 400
    assert list(error(response)["fields"]) == ["document"]
    assert_nothing_written()


def test_a_document_sent_as_text_is_missing(api, ready):
    response = api.post("/api/dext/v1/cost-items/", {"item": json.dumps(make_item()), "document": "%PDF-1.4"},
                        format="multipart")

    assert response.status_code == 400
    assert list(error(response)["fields"]) == ["document"]


def test_json_instead_of_multipart_is_a_415(api, ready):
    response = api.post("/api/dext/v1/cost-items/", make_item(), format="json")

    assert response.status_code == 415
    assert "multipart/form-data" in error(response)["message"]


def test_a_broken_multipart_body_is_a_400(api, ready):
    response = api.generic("POST", "/api/dext/v1/cost-items/", b"--x\r\nnonsense",
                           content_type="multipart/form-data; boundary=x")

    assert response.status_code == 400
    error(response)


@pytest.mark.parametrize("setting, parts", [
    ("DATA_UPLOAD_MAX_NUMBER_FIELDS", {f"field{n}": "x" for n in range(20)}),
    ("DATA_UPLOAD_MAX_NUMBER_FILES", {f"file{n}": SimpleUploadedFile(f"{n}.pdf", MINIMAL_PDF) for n in range(20)}),
])
def test_too_many_parts_is_a_400(api, ready, settings, setting, parts):
    setattr(settings, setting, 10)

    response = api.post("/api/dext/v1/cost-items/", {"item": json.dumps(make_item()), **parts}, format="multipart")

    assert response.status_code == 400
    assert error(response)["code"] == "invalid_upload"


def test_the_item_may_come_as_a_json_file_part(api, ready):
    item = SimpleUploadedFile("item.json", json.dumps(make_item()).encode(), "application/json")
    document = SimpleUploadedFile("INV.pdf", MINIMAL_PDF, "application/pdf")

    response = api.post("/api/dext/v1/cost-items/", {"item": item, "document": document}, format="multipart")

    assert response.status_code == 201


@pytest.mark.parametrize("raw", ["{", "not json", "", '{"dext_id": "x",}', "[" * 100_000 + "]" * 100_000])
def test_malformed_json_is_a_400(api, ready, raw):
    response = publish(api, raw)

    assert response.status_code == 400
    assert error(response)["fields"] == {"item": "Not valid JSON."}


@pytest.mark.parametrize("raw", ["[]", '"text"', "42", "null", "true"])
def test_json_that_is_not_an_object_is_a_400(api, ready, raw):
    response = publish(api, raw)

    assert response.status_code == 400
    assert error(response)["fields"] == {"item": "Must be a JSON object."}


# The document


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program cannot be run",
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        b"PK\x03\x04" + b"\x00" * 40,
        b"plain text pretending to be a PDF",
    ],
    ids=["exe", "html", "zip", "text"],
)
def test_a_disguised_document_is_a_415(api, ready, data):
    response = publish(api, make_item(), document=data, filename="invoice.pdf")

    assert response.status_code == 415
    body = error(response)
    assert body["code"] == "unsupported_document_type"
    assert "PDF, PNG, JPEG, GIF, TIFF or HEIC" in body["message"]
    assert_nothing_written()


def test_an_empty_document_is_a_400(api, ready):
    response = publish(api, make_item(), document=b"")

    assert response.status_code == 400
    assert list(error(response)["fields"]) == ["document"]


@pytest.mark.parametrize(
    "data, content_type",
    [
        (MINIMAL_PNG, "image/png"),
        (files.jpeg(), "image/jpeg"),
        (files.gif(), "image/gif"),
        (files.tiff(), "image/tiff"),
        (files.heic(), "image/heic"),
    ],
    ids=["png", "jpeg", "gif", "tiff", "heic"],
)
def test_images_are_recognised_by_content_not_name(api, ready, data, content_type):
    response = publish(api, make_item(), document=data, filename="whatever.pdf")

    assert response.status_code == 201
    document = ApprovalRequest.objects.get().current_document()
    assert document.content_type == content_type
    assert document.filename.startswith("whatever.")
    assert not document.filename.endswith(".pdf")


def test_an_oversize_document_is_a_413(api, ready, settings):
    settings.DOCUMENT_MAX_BYTES = len(MINIMAL_PDF) - 1

    response = publish(api, make_item())

    assert response.status_code == 413
    assert error(response)["code"] == "document_too_large"
    assert_nothing_written()


def test_a_document_at_the_limit_is_accepted(api, ready, settings):
    settings.DOCUMENT_MAX_BYTES = len(MINIMAL_PDF)

    assert publish(api, make_item()).status_code == 201


def test_an_oversize_upload_is_refused_before_it_is_read(api, ready, settings):
    settings.DOCUMENT_MAX_BYTES = 100
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = publish(api, make_item(), document=MINIMAL_PDF + b"\n" * 200_000)

    assert response.status_code == 413
    assert error(response)["code"] == "document_too_large"


def test_an_oversize_item_is_a_413(api, ready, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000

    response = publish(api, make_item(document_url="https://app.dext.example/" + "x" * 1500,
                                      invoice_number="y" * 1000))

    assert response.status_code == 413
    assert list(error(response)["fields"]) == ["item"]
