from email import policy
from email.parser import BytesParser

import pytest
import responses as responses_lib
from django.core.files.uploadedfile import SimpleUploadedFile

from dext_integration.sandbox.services import link_save
from tests.builders import MINIMAL_PDF

API = "http://approvalmax.test/api/dext/v1/"
API_KEY = "dxk_live_4f9a2b7c1d8e3f6a5b0c9d2e7f1a4b8c"


@pytest.fixture
def api():
    """Stands in for our Dext API; a call nobody registered fails as a connection error."""
    with responses_lib.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture(autouse=True)
def member(request):
    """The stand-in's pages are for logged-in members; tests of the API alone need no one."""
    if "client" not in request.fixturenames:
        return None
    from tests.factories import MembershipFactory

    request.getfixturevalue("db")
    user = MembershipFactory().user
    request.getfixturevalue("client").force_login(user)
    return user


@pytest.fixture
def link(db):
    linked, _ = link_save(name="Demo Trading Ltd", base_url=API, api_key=API_KEY)
    return linked


def document(name="INV-4411.pdf", data=MINIMAL_PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def line_data(lines):
    """The five line rows as the browser posts them: filled rows first, then untouched defaults."""
    data = {
        "lines-TOTAL_FORMS": "5",
        "lines-INITIAL_FORMS": "5",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "5",
    }
    blank = {"description": "", "quantity": "1", "unit_amount": "", "account_code": "429", "tax_type": "INPUT2"}
    for index in range(5):
        row = {**blank, **(lines[index] if index < len(lines) else {})}
        data |= {f"lines-{index}-{name}": value for name, value in row.items()}
    return data


def publish_data(lines=None, **fields):
    """INTERFACES.md §3's example item as a person types it into the sandbox form."""
    data = {
        "dext_id": "CI-000123",
        "type": "invoice",
        "publish_to": "bill",
        "supplier_name": "Acme Supplies Ltd",
        "invoice_number": "INV-4411",
        "date": "2026-11-02",
        "due_date": "2026-12-02",
        "currency": "GBP",
        "line_amount_types": "Exclusive",
        "payment_method_name": "Company card",
        "bank_account_code": "090",
        "owner_name": "Sam Taylor",
        "owner_email": "sam@example.com",
        "tax_total_override": "",
        "total_override": "",
    }
    data |= fields
    data |= line_data(
        lines
        if lines is not None
        else [
            {
                "description": "Printer paper",
                "quantity": "10",
                "unit_amount": "4.50",
                "tracking_region": "North",
            }
        ]
    )
    return data


def multipart_parts(request) -> dict[str, tuple[str | None, str, bytes]]:
    """name → (filename, content type, bytes) of a multipart/form-data request body."""
    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = BytesParser(policy=policy.default).parsebytes(head + request.body)
    return {
        part.get_param("name", header="content-disposition"): (
            part.get_filename(),
            part.get_content_type(),
            part.get_payload(decode=True),
        )
        for part in message.iter_parts()
    }
