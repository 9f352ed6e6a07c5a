"""Around the bill, for the approver: a supplier the accounting system does not know yet, a bill
already past its due date, and the supplier's latest other bills with their amounts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.workflows.helpers import reload
from workflows.bill_context import bill_context

pytestmark = pytest.mark.django_db


def test_a_supplier_without_an_id_in_the_accounting_system_is_new(create_request, master_data):
    known = reload(create_request(source_reference="K"))
    new = reload(create_request(source_reference="N", supplier=None, supplier_name="Fresh Ltd"))

    assert (bill_context(known).new_supplier, bill_context(new).new_supplier) == (False, True)


@pytest.mark.parametrize(("days_ago", "paid", "overdue"), [(3, False, 3), (3, True, 0), (-2, False, 0)])
def test_an_unpaid_bill_past_its_due_date_is_overdue(create_request, days_ago, paid, overdue):
    due = timezone.localdate() - timedelta(days=days_ago)
    request = reload(create_request(due_date=due, is_paid=paid))

    assert bill_context(request).overdue_days == overdue


def test_the_suppliers_five_latest_other_bills_newest_first(create_request, django_assert_max_num_queries):
    today = timezone.localdate()
    others = [create_request(source_reference=f"E-{n}", invoice_number=f"E-{n}", date=today - timedelta(days=n))
              for n in range(1, 8)]
    create_request(source_reference="X", supplier=None, supplier_name="Someone Else Ltd")
    request = reload(create_request(source_reference="NOW", invoice_number="NOW", date=today))

    with django_assert_max_num_queries(2):  # the earlier bills, and the supplier if not loaded yet
        context = bill_context(request)

    assert [other.invoice_number for other in context.earlier] == [o.invoice_number for o in others[:5]]


def test_the_page_flags_a_new_supplier_and_an_overdue_bill_and_lists_earlier_bills(client, create_request,
                                                                                   approver):
    due = timezone.localdate() - timedelta(days=4)
    create_request(source_reference="OLD", invoice_number="OLD-1", supplier=None, supplier_name="Fresh Ltd")
    request = create_request(source_reference="NEW", supplier=None, supplier_name="Fresh Ltd", due_date=due)
    client.force_login(approver)

    html = " ".join(client.get(reverse("workflows:request_detail", args=[request.public_id])).content.decode().split())

    assert "New supplier: the accounting system does not know Fresh Ltd yet; publishing creates it." in html
    assert "Overdue: the bill was due 4 days ago." in html
    assert ">OLD-1</a>" in html


@pytest.mark.parametrize("with_supplier", [True, False])
def test_the_duplicate_checks_history_gives_the_same_earlier_bills(create_request, with_supplier):
    from workflows.duplicates import supplier_history

    today = timezone.localdate()
    known = {} if with_supplier else {"supplier": None}
    for n in range(1, 8):
        create_request(source_reference=f"E-{n}", invoice_number=f"E-{n}", date=today - timedelta(days=n), **known)
    create_request(source_reference="NAME", invoice_number="NAME", supplier=None, date=today)
    create_request(source_reference="X", invoice_number="X", supplier=None, supplier_name="Someone Else Ltd")
    request = reload(create_request(source_reference="NOW", invoice_number="NOW", date=today, **known))

    from_history = [other.invoice_number for other in bill_context(request, supplier_history(request)).earlier]

    assert from_history == [other.invoice_number for other in bill_context(request).earlier]
    assert from_history == (["E-1", "E-2", "E-3", "E-4", "E-5"] if with_supplier else ["NAME", "E-1", "E-2", "E-3", "E-4"])
