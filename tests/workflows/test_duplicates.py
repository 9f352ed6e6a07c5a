"""Duplicate bills are caught before anyone approves: exact, near and the same file, shown on the
page, in the approver's email and in Dext's status; approving one anyway needs a reason."""

from datetime import date
from decimal import Decimal

import pytest

from tests.builders import pdf_document
from tests.files import pdf
from tests.workflows.helpers import events, reload
from workflows import services
from workflows.duplicates import normalised_number, one_edit_apart, possible_duplicates
from workflows.exceptions import CommentRequired
from workflows.models import AuditEvent


def test_bill_numbers_are_compared_without_case_spaces_punctuation_or_leading_zeros():
    assert normalised_number("INV-0042") == normalised_number("inv 42") == normalised_number("Inv.042") == "inv42"
    assert normalised_number("INV-4201") != normalised_number("INV-42")
    assert one_edit_apart("inv4411", "inv4412") and one_edit_apart("inv4411", "inv441")
    assert not one_edit_apart("inv4411", "inv4411") and not one_edit_apart("inv4411", "inv4422")


def _reasons(request) -> list[list[str]]:
    return [d.reasons for d in possible_duplicates(reload(request))]


def test_the_same_number_written_differently_is_an_exact_duplicate_in_any_state(create_request, approver):
    first = create_request(invoice_number="INV-0042", source_reference="CI-1")
    services.request_reject(request_id=first.pk, user=approver, comment="Paid already")
    again = create_request(invoice_number="inv 42", source_reference="CI-2", total=Decimal("99.00"),
                           date=date(2026, 6, 1), document=pdf_document("other.pdf", data=pdf(pages=2)))

    assert _reasons(again) == [["the same supplier and bill number"]]


def test_near_duplicates_same_total_within_a_week_or_a_number_one_character_apart(create_request):
    create_request(invoice_number="INV-4411", source_reference="CI-1", date=date(2026, 11, 2))
    close = create_request(invoice_number="A-1", source_reference="CI-2", date=date(2026, 11, 8),
                           document=pdf_document("b.pdf", data=pdf(pages=2)))
    typo = create_request(invoice_number="INV-4412", source_reference="CI-3", total=Decimal("60.00"),
                          date=date(2026, 3, 1), document=pdf_document("c.pdf", data=pdf(pages=3)))
    far = create_request(invoice_number="B-7", source_reference="CI-4", date=date(2026, 12, 30),
                         document=pdf_document("d.pdf", data=pdf(pages=4)))

    assert ["the same supplier and total within 7 days"] in _reasons(close)
    assert ["the same supplier and a bill number one character apart"] in _reasons(typo)
    assert _reasons(far) == []


def test_the_very_same_file_under_another_supplier_and_number(create_request, organisation):
    create_request(source_reference="CI-1")
    again = create_request(source_reference="CI-2", supplier=None, supplier_name="Someone Else Ltd",
                           invoice_number="X-1", total=Decimal("1.00"))

    assert _reasons(again) == [["the very same file"]]


def test_approving_a_possible_duplicate_needs_a_reason_which_is_recorded(create_request, approver):
    create_request(source_reference="CI-1")
    again = create_request(source_reference="CI-2", document=pdf_document("again.pdf", data=pdf(pages=2)))

    with pytest.raises(CommentRequired) as refused:
        services.request_approve(request_id=again.pk, user=approver)
    assert "Possible duplicate of bill INV-4411 from Acme Supplies Ltd" in refused.value.message
    assert reload(again).state == "on_approval"

    services.request_approve(request_id=again.pk, user=approver, comment="A second delivery, ordered twice")
    approval = events(again, AuditEvent.Action.APPROVED)[0]
    assert approval.data["possible_duplicates"] and "A second delivery" in approval.message


def test_the_page_the_email_and_dext_s_status_say_so(client, create_request, approver, deliver_mail):
    from dext_integration.selectors import request_warnings

    first = create_request(source_reference="CI-1")
    again = create_request(source_reference="CI-2", document=pdf_document("again.pdf", data=pdf(pages=2)))
    client.force_login(approver)

    page = client.get(f"/requests/{again.public_id}/").content.decode()
    assert "Possible duplicate" in page and f'href="/requests/{first.public_id}/"' in page
    mail = deliver_mail()
    assert any("Possible duplicate of bill INV-4411" in m.get_body(preferencelist=("plain",)).get_content()
               for m in mail)
    warnings = request_warnings(request=reload(again), url="x")
    assert warnings[0]["code"] == "possible_duplicate" and warnings[0]["url"].endswith(f"/requests/{first.public_id}/")


def test_an_organisation_may_hold_possible_duplicates_for_review(create_request, organisation, approver):
    organisation.hold_possible_duplicates = True
    organisation.save()
    first = create_request(source_reference="CI-1")
    again = create_request(source_reference="CI-2", document=pdf_document("again.pdf", data=pdf(pages=2)))

    assert not reload(first).is_on_hold
    held = reload(again)
    assert held.is_on_hold and held.hold_reason.startswith("Possible duplicate of bill INV-4411")
    assert events(again, AuditEvent.Action.HELD)[0].data["possible_duplicates"] == [first.pk]


def test_the_same_page_photographed_again_is_caught_by_its_fingerprint(create_request):
    from tests.files import bill_photo
    from workflows.content import DocumentContent

    def photo(data):
        return DocumentContent(filename="photo.jpg", content_type="image/jpeg", data=data)

    create_request(source_reference="CI-1", document=photo(bill_photo(1)))
    again = create_request(source_reference="CI-2", supplier=None, supplier_name="Someone Else Ltd", invoice_number="Z-9",
                           document=photo(bill_photo(1, quality=55, scale=0.7)))
    other = create_request(source_reference="CI-3", supplier=None, supplier_name="Third Ltd", invoice_number="Y-8",
                           document=photo(bill_photo(2)))

    assert _reasons(again) == [["a picture of the same page"]]
    assert _reasons(other) == []


def test_a_plain_picture_has_no_fingerprint_to_match():
    from tests.files import jpeg
    from workflows.image_hash import difference_hash

    assert difference_hash(jpeg()) == "" and difference_hash(b"not an image") == ""


def _copies(create_request, count: int) -> list:
    """`count` bills of one supplier and one file, numbered apart, the latest last."""
    return [create_request(source_reference=f"CI-{n}", invoice_number=f"C-{n:03}") for n in range(count)]


def test_many_possible_duplicates_the_page_shows_five_and_folds_the_rest(client, create_request, approver):
    *earlier, latest = _copies(create_request, 8)
    client.force_login(approver)

    page = client.get(f"/requests/{latest.public_id}/").content.decode()

    shown, folded = page.split("<summary>2 more possible duplicates</summary>")
    assert shown.count("Possible duplicate of bill C-") == 5 and folded.count("Possible duplicate of bill C-") == 2
    assert all(f'href="/requests/{other.public_id}/"' in page for other in earlier)


def test_many_possible_duplicates_the_email_names_the_latest_five_and_counts_the_rest(create_request, deliver_mail):
    _copies(create_request, 8)

    text = next(m.get_body(preferencelist=("plain",)).get_content() for m in deliver_mail() if "C-007" in m["Subject"])

    assert text.count("Possible duplicate of bill C-") == 5 and "C-006" in text and "C-001" not in text
    assert "2 more possible duplicates: the request page lists them." in text


def test_the_same_file_in_another_organisation_is_no_duplicate(create_request):
    from tests.builders import bill_content
    from tests.factories import MembershipFactory, OrganisationFactory, chart_of_accounts, one_step_workflow

    create_request(source_reference="CI-1")
    elsewhere = OrganisationFactory()
    one_step_workflow(elsewhere, [MembershipFactory(organisation=elsewhere).user])
    theirs = services.request_create(organisation=elsewhere, content=bill_content(chart_of_accounts(elsewhere)),
                                     document=pdf_document())

    assert possible_duplicates(reload(theirs)) == []


def test_copies_of_a_file_are_checked_in_four_queries(create_request, django_assert_num_queries):
    *_, latest = _copies(create_request, 60)
    latest = reload(latest)

    with django_assert_num_queries(4):  # its document, the same file, the candidates, the accounting system's bills
        found = possible_duplicates(latest)

    assert len(found) == 59


def test_copies_of_a_file_are_found_by_the_organisations_index(create_request):
    """A burst of copies, before PostgreSQL's statistics know of them: the same file is read from
    the documents' own index, not joined to every request of the organisation for each copy."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.conftest import require_service

    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "this test reads PostgreSQL's query plan")
    *_, latest = _copies(create_request, 60)
    with CaptureQueriesContext(connection) as captured:
        possible_duplicates(reload(latest))
    same_file = next(q["sql"] for q in captured.captured_queries if '"sha256" =' in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + same_file)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "document_same_file" in plan and "workflows_approvalrequest" not in plan, plan
