"""The lines a page shows, read with their coding in a fixed number of queries whatever their number;
the coding from the process's store when the page read its organisation's data-version token."""

from dataclasses import replace
from decimal import Decimal

import pytest

from approvalmax.core.models import Account, TrackingCategory, TrackingOption
from tests.builders import bill_content
from tests.workflows.helpers import reload
from workflows import selectors
from workflows.line_reads import lines_with_coding
from workflows.templatetags.bill_lines import line_rows, quantity

pytestmark = pytest.mark.django_db


@pytest.fixture
def bill(create_request, master_data, organisation):
    project = TrackingCategory.objects.create(organisation=organisation, external_id="p", name="Project")
    apollo = TrackingOption.objects.create(category=project, external_id="a", name="Apollo")
    line = bill_content(master_data).lines[0]
    lines = [replace(line, description="Two options", tracking=[apollo, master_data["north"]]),
             replace(line, description="None", tracking=[], tax_rate=None),
             replace(line, description="One option", tracking=[master_data["north"]])]
    return reload(create_request(lines=lines, sub_total=Decimal("135.00"), tax_total=Decimal("18.00"),
                                 total=Decimal("153.00")))  # fmt: skip


def test_lines_come_in_order_with_their_options_by_category_in_four_queries(bill, django_assert_num_queries):
    with django_assert_num_queries(4):  # the lines, then the accounts, tax rates and options they name
        lines = lines_with_coding(bill)
        shown = [(line.description, line.account.code, line.tax_rate and line.tax_rate.name,
                  [(o.category.name, o.name) for o in line.tracking.all()]) for line in lines]

    assert shown == [
        ("Two options", "429", "20% (VAT on Expenses)", [("Project", "Apollo"), ("Region", "North")]),
        ("None", "429", None, []),
        ("One option", "429", "20% (VAT on Expenses)", [("Region", "North")]),
    ]
    assert lines[0].tracking.all()[1] is lines[2].tracking.all()[0]  # one instance of an option
    assert lines[0].account is lines[2].account


def _versioned(bill, approver):
    """The bill as its page reads it: with its organisation's data-version token."""
    return selectors.request_get_for_user(user=approver, public_id=bill.public_id, versioned=True)


def test_a_page_that_read_the_token_takes_the_coding_from_the_process(bill, approver, django_assert_num_queries):
    lines_with_coding(_versioned(bill, approver))
    again = _versioned(bill, approver)

    with django_assert_num_queries(1):  # the lines alone
        lines = lines_with_coding(again)
        shown = [(line.account.code, [o.name for o in line.tracking.all()]) for line in lines]

    assert shown == [("429", ["Apollo", "North"]), ("429", []), ("429", ["North"])]


def test_a_change_to_the_coding_is_shown_by_the_next_read(bill, approver, master_data):
    lines_with_coding(_versioned(bill, approver))
    Account.objects.filter(pk=master_data["general"].pk).update(name="Office supplies")
    TrackingOption.objects.filter(name="Apollo").update(name="Artemis")

    lines = lines_with_coding(_versioned(bill, approver))

    assert lines[0].account.name == "Office supplies"
    assert [o.name for o in lines[0].tracking.all()] == ["Artemis", "North"]


def test_the_options_read_are_those_stored(bill):
    stored = {line.pk: sorted(o.pk for o in line.tracking.all()) for line in bill.current_lines()}

    assert {line.pk: sorted(o.pk for o in line.tracking.all()) for line in lines_with_coding(bill)} == stored
    assert [line.tracking.filter(name="North").count() for line in lines_with_coding(bill)] == [1, 0, 1]


def test_the_rows_escape_what_came_from_outside(bill):
    line = lines_with_coding(bill)[0]
    line.description = "<script>x</script>\nsecond"

    row = line_rows([line])

    assert "&lt;script&gt;x&lt;/script&gt;<br>second" in row and "<script>" not in row
    assert '<td data-label="Tracking">Project: Apollo<br>Region: North</td>' in row
    assert '<td class="numeric" data-label="Amount">45.00</td>' in row


@pytest.mark.parametrize(("value", "shown"), [("10", "10"), ("10.0000", "10"), ("2.5", "2.5000"),
                                              ("0.1250", "0.1250"), ("1234", "1234")])
def test_quantities_read_as_floatformat_minus_four_would_show_them(value, shown):
    from django.template.defaultfilters import floatformat

    assert quantity(Decimal(value)) == shown == floatformat(Decimal(value), -4)
