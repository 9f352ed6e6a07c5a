"""Builders for request content and documents that tests share."""

from datetime import date
from decimal import Decimal

from workflows.content import DocumentContent, LineContent, RequestContent

# A one-page PDF, small but well formed, so viewers and magic-number checks accept it.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n165\n%%EOF\n"
)

# A 1x1 PNG.
MINIMAL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360606060000000050001a5f645400000000049454e44ae426082"
)


def pdf_document(name: str = "INV-4411.pdf", data: bytes = MINIMAL_PDF) -> DocumentContent:
    return DocumentContent(filename=name, content_type="application/pdf", data=data)


def bill_content(master_data: dict, **overrides) -> RequestContent:
    """INTERFACES.md's example item: 10 x 4.50 at 20% VAT, total 54.00."""
    line = LineContent(
        description="Printer paper",
        quantity=Decimal("10"),
        unit_amount=Decimal("4.50"),
        account=master_data["general"],
        tax_rate=master_data["input2"],
        line_amount=Decimal("45.00"),
        tax_amount=Decimal("9.00"),
        tracking=[master_data["north"]],
    )
    values = dict(
        kind="bill",
        supplier_name="Acme Supplies Ltd",
        supplier=master_data["supplier"],
        invoice_number="INV-4411",
        date=date(2026, 11, 2),
        due_date=date(2026, 12, 2),
        currency="GBP",
        tax_treatment="exclusive",
        lines=[line],
        sub_total=Decimal("45.00"),
        tax_total=Decimal("9.00"),
        total=Decimal("54.00"),
        is_paid=False,
        payment_method_name="",
        payment_account=None,
        source_system="dext",
        source_reference="CI-000123",
        source_url="https://app.dext.example/costs/CI-000123",
        requester_name="Sam Taylor",
        requester_email="sam@example.com",
    )
    values.update(overrides)
    return RequestContent(**values)
