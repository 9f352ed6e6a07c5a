"""Files from outside that a viewer would run, or that would swamp the approver's browser, are
refused with a clear 422 and nothing is stored; ordinary files of every accepted kind pass."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import files
from tests.dext_integration.conftest import make_item
from workflows.models import ApprovalRequest, RequestDocument

pytestmark = pytest.mark.django_db


def publish(api, document: bytes, content_type: str = "application/pdf", name: str = "INV-4411.pdf"):
    import json

    upload = SimpleUploadedFile(name, document, content_type)
    return api.post("/api/dext/v1/cost-items/", {"item": json.dumps(make_item()), "document": upload},
                    format="multipart")  # fmt: skip


def hex_escaped_javascript() -> bytes:
    """`/J#61vaScript` is `/JavaScript` to every PDF reader: names are compared decoded."""
    return files.pdf_with_open_action_javascript().replace(b"/JavaScript", b"/J#61vaScript")


REFUSED = {
    "OpenAction JavaScript": (files.pdf_with_open_action_javascript, "JavaScript"),
    "document JavaScript": (files.pdf_with_document_javascript, "JavaScript"),
    "hex-escaped JavaScript": (hex_escaped_javascript, "JavaScript"),
    "launch action": (files.pdf_with_launch_action, "launch action"),
    "embedded file": (files.pdf_with_embedded_file, "embedded files"),
    "PDF and HTML polyglot": (files.pdf_html_polyglot, "HTML"),
    "password-protected PDF": (lambda: files.pdf_with_a_password("secret"), "password"),
    "not really a PDF": (lambda: b"%PDF-1.7\n" + b"x" * 500, "does not open as one"),
    "30000×30000 PNG": (lambda: files.png_declaring(30000, 30000), "pixels"),
    "PNG over the pixel limit": (lambda: files.png_declaring(9000, 9000), "9000×9000 pixels"),
    "truncated PNG": (lambda: files.photo_png()[: len(files.photo_png()) // 2], "does not decode"),
    "PNG without its end": (lambda: files.png()[:-12], "no end"),
    "PNG with a script after its end": (lambda: files.png() + b"alert(document.domain)", "after its end"),
    "GIF and JavaScript polyglot": (files.gif_javascript_polyglot, "comment"),
    "GIF with a script after its end": (lambda: files.gif() + b"alert(document.domain)", "after its end"),
}


@pytest.mark.parametrize("build, words", REFUSED.values(), ids=REFUSED.keys())
def test_a_hostile_file_is_refused_and_nothing_is_stored(api, ready, build, words):
    response = publish(api, build(), content_type="text/html", name="invoice.html")

    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "unsafe_document"
    assert words in error["message"]
    assert error["fields"]["document"]
    assert not ApprovalRequest.objects.exists()
    assert not RequestDocument.objects.exists()


ACCEPTED = {
    "PDF of three pages": (lambda: files.pdf(pages=3), "application/pdf"),
    "PDF with an empty user password": (lambda: files.pdf_with_a_password(""), "application/pdf"),
    "PNG": (files.png, "image/png"),
    "JPEG": (files.jpeg, "image/jpeg"),
    "GIF": (files.gif, "image/gif"),
    "TIFF": (files.tiff, "image/tiff"),
    "HEIC": (files.heic, "image/heic"),
}


@pytest.mark.parametrize("build, content_type", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_ordinary_files_of_every_accepted_kind_are_kept_byte_for_byte(api, ready, build, content_type):
    data = build()
    response = publish(api, data)

    assert response.status_code == 201, response.content
    document = RequestDocument.objects.get()
    assert document.content_type == content_type
    assert document.file.read() == data
