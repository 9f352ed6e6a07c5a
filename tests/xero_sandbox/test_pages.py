import pytest

from tests.xero_sandbox.conftest import bill

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def published(api) -> dict:
    invoice = api.put("Invoices", {"Invoices": [bill(InvoiceNumber="INV-<b>7</b>")]}).json()["Invoices"][0]
    api.put(
        f"Invoices/{invoice['InvoiceID']}/Attachments/INV-7.pdf",
        data=b"%PDF-1.4 the bill",
        headers={"Content-Type": "application/pdf"},
    )
    payment = {
        "Invoice": {"InvoiceID": invoice["InvoiceID"]},
        "Account": {"Code": "090"},
        "Date": "2026-11-20",
        "Amount": 54,
    }
    api.put("Payments", {"Payments": [payment]})
    return invoice


def test_the_bills_page_shows_each_bill_with_its_files_and_payments(sandbox, published, tenant):
    page = sandbox.session.get(f"{sandbox.base}/")
    assert page.status_code == 200
    html = page.text
    assert "Xero sandbox" in html
    assert "Demo Trading Ltd" in html and str(tenant.organisation_id) in html
    assert "INV-&lt;b&gt;7&lt;/b&gt;" in html and "<b>7</b>" not in html
    assert "Acme Supplies Ltd" in html and "2 Nov 2026" in html
    assert "Paid" in html and "GBP 54.00" in html
    assert "INV-7.pdf" in html
    assert "20 Nov 2026: GBP 54.00 from 090 Business Bank Account" in html


def test_an_attachment_downloads_from_the_page(sandbox, published):
    page = sandbox.session.get(f"{sandbox.base}/").text
    link = page.split('href="/sandbox/xero/attachments/', 1)[1].split('"', 1)[0]
    download = sandbox.session.get(f"{sandbox.base}/attachments/{link}")
    assert download.status_code == 200
    assert download.content == b"%PDF-1.4 the bill"
    assert download.headers["Content-Disposition"].startswith("attachment")


def test_the_bill_page_shows_lines_with_account_tax_and_tracking(sandbox, published, tenant):
    page = sandbox.session.get(f"{sandbox.base}/organisations/{tenant.organisation_id}/bills/{published['InvoiceID']}/")
    assert page.status_code == 200
    html = page.text
    assert "Printer paper" in html
    assert "429 General Expenses" in html
    assert "INPUT2 9.00" in html
    assert "Region: North" in html
    assert "45.00" in html and "54.00" in html


def test_an_unknown_bill_is_not_found(sandbox, tenant):
    page = sandbox.session.get(
        f"{sandbox.base}/organisations/{tenant.organisation_id}/bills/9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d/"
    )
    assert page.status_code == 404


def test_with_no_organisation_the_page_says_how_to_seed(sandbox, transactional_db):
    page = sandbox.session.get(f"{sandbox.base}/")
    assert page.status_code == 200
    assert "xero_sandbox_seed" in page.text


def test_the_pages_need_a_logged_in_member(sandbox, published):
    import requests

    answer = requests.get(f"{sandbox.base}/", allow_redirects=False)
    assert answer.status_code == 302 and "/login/" in answer.headers["Location"]
