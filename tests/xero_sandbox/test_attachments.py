import pytest

from tests.xero_sandbox.conftest import bill
from xero_integration.sandbox.models import Attachment

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


@pytest.fixture
def invoice_id(api) -> str:
    return api.put("Invoices", {"Invoices": [bill()]}).json()["Invoices"][0]["InvoiceID"]


def _upload(api, invoice_id: str, name: str, content: bytes, mime: str = "application/pdf"):
    return api.put(f"Invoices/{invoice_id}/Attachments/{name}", data=content, headers={"Content-Type": mime})


def test_bytes_go_up_and_come_back_unchanged(api, invoice_id):
    answer = _upload(api, invoice_id, "INV-4411.pdf", PDF)
    assert answer.status_code == 200
    [attachment] = answer.json()["Attachments"]
    assert attachment["FileName"] == "INV-4411.pdf"
    assert attachment["MimeType"] == "application/pdf"
    assert attachment["ContentLength"] == len(PDF)
    assert attachment["Url"].endswith(f"/api.xro/2.0/Invoices/{invoice_id}/Attachments/INV-4411.pdf")

    download = api.get(f"Invoices/{invoice_id}/Attachments/INV-4411.pdf")
    assert download.status_code == 200
    assert download.content == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    by_id = api.get(f"Invoices/{invoice_id}/Attachments/{attachment['AttachmentID']}")
    assert by_id.content == PDF

    [listed] = api.get(f"Invoices/{invoice_id}/Attachments").json()["Attachments"]
    assert listed["AttachmentID"] == attachment["AttachmentID"]
    [invoice] = api.get(f"Invoices/{invoice_id}").json()["Invoices"]
    assert invoice["HasAttachments"] is True and invoice["Attachments"][0]["FileName"] == "INV-4411.pdf"


def test_a_file_name_with_spaces_and_unicode(api, invoice_id):
    answer = _upload(api, invoice_id, "Audit report – café.pdf", PDF)
    assert answer.status_code == 200
    assert answer.json()["Attachments"][0]["FileName"] == "Audit report – café.pdf"
    assert api.get(f"Invoices/{invoice_id}/Attachments/Audit report – café.pdf").content == PDF


def test_the_same_name_overwrites(api, invoice_id):
    first = _upload(api, invoice_id, "scan.png", b"\x89PNG first", "image/png").json()["Attachments"][0]
    second = _upload(api, invoice_id, "scan.png", b"\x89PNG second version", "image/png").json()["Attachments"][0]
    assert second["AttachmentID"] == first["AttachmentID"]
    assert second["ContentLength"] == len(b"\x89PNG second version")
    assert api.get(f"Invoices/{invoice_id}/Attachments/scan.png").content == b"\x89PNG second version"
    assert Attachment.objects.count() == 1


def test_at_most_ten_attachments_per_invoice(api, invoice_id):
    for n in range(10):
        assert _upload(api, invoice_id, f"page-{n}.pdf", PDF).status_code == 200
    eleventh = _upload(api, invoice_id, "page-10.pdf", PDF)
    assert eleventh.status_code == 400
    assert eleventh.json()["Type"] == "ValidationException"
    assert "maximum number of attachments" in eleventh.json()["Elements"][0]["ValidationErrors"][0]["Message"]
    assert _upload(api, invoice_id, "page-3.pdf", b"%PDF replaced").status_code == 200
    assert Attachment.objects.count() == 10


def test_a_file_over_10_mb_is_too_large(api, invoice_id):
    assert _upload(api, invoice_id, "huge.pdf", b"x" * (10 * 1024 * 1024 + 1)).status_code == 413
    assert _upload(api, invoice_id, "big.pdf", b"x" * (10 * 1024 * 1024)).status_code == 200
    assert list(Attachment.objects.values_list("file_name", flat=True)) == ["big.pdf"]


def test_attachments_of_an_unknown_invoice(api):
    answer = _upload(api, "9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d", "a.pdf", PDF)
    assert answer.status_code == 404
    assert Attachment.objects.count() == 0
