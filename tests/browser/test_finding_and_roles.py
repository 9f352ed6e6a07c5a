"""In a browser: an approver finds bills by search, filters and sort; an auditor reads every
request and its report and is offered no decision; a staff administrator's admin shows only
their organisation."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from approvalmax.core.models import Membership
from tests import files
from tests.browser_fixtures import log_in
from tests.builders import bill_content, pdf_document
from tests.factories import MembershipFactory, OrganisationFactory, one_step_workflow
from workflows import services
from workflows.content import LineContent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def bills(organisation, master_data, workflow):
    made = []
    for n, (supplier, net) in enumerate([("Paper Co", "45.00"), ("Toner Ltd", "450.00"), ("Paper Mill", "90.00")]):
        net = Decimal(net)
        line = LineContent(description="Supplies", quantity=Decimal(1), unit_amount=net, account=master_data["general"],
                           tax_rate=master_data["input2"], line_amount=net, tax_amount=net / 5,
                           tracking=[master_data["north"]])
        content = bill_content(master_data, supplier=None, supplier_name=supplier, invoice_number=f"F-{n}",
                               source_reference=f"F-{n}", lines=[line], sub_total=net, tax_total=net / 5,
                               total=net * Decimal("1.2"))
        made.append(services.request_create(organisation=organisation, content=content,
                                            document=pdf_document(data=files.pdf(text_size=300 + n))))
    return made


def test_an_approver_finds_bills_by_search_filters_and_sort(page, live_server, approver, bills):
    log_in(page, live_server, approver)
    search = page.get_by_role("search", name="Find requests")

    search.get_by_label("Search").fill("paper")
    search.get_by_role("button", name="Find").click()
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.filter(has_text="Paper Co")).to_have_count(1)
    expect(rows.filter(has_text="Paper Mill")).to_have_count(1)
    expect(rows.filter(has_text="Toner Ltd")).to_have_count(0)

    search.get_by_label("Search").fill("")
    search.get_by_label("Total from").fill("100")
    search.get_by_label("Sort by").select_option(label="Largest first")
    search.get_by_role("button", name="Find").click()
    names = page.get_by_role("table").get_by_role("rowheader").get_by_role("link").all_inner_texts()
    assert names == ["Toner Ltd", "Paper Mill"]


def test_an_auditor_reads_every_request_and_decides_nothing(page, live_server, organisation, bills):
    auditor = MembershipFactory(organisation=organisation, role=Membership.Role.AUDITOR).user
    log_in(page, live_server, auditor)

    page.get_by_role("link", name="All requests", exact=True).click()
    page.get_by_role("link", name="Toner Ltd").click()
    expect(page.get_by_role("heading", name="Bill F-1 from Toner Ltd")).to_be_visible()
    expect(page.get_by_role("img", name="Page 1 of 1 of INV-4411.pdf")).to_be_visible()
    expect(page.get_by_role("button", name="Approve", exact=True)).to_have_count(0)
    expect(page.get_by_role("heading", name="Your decision")).to_have_count(0)
    href = page.get_by_role("link", name="The audit report (PDF), as it reads now").get_attribute("href")
    report = page.request.get(f"{live_server.url}{href}")  # with the auditor's session
    assert report.status == 200 and report.headers["content-type"] == "application/pdf"


def test_a_staff_administrators_admin_shows_only_their_organisation(page, live_server, organisation, workflow,
                                                                   administrator):
    from django.contrib.auth.models import Permission

    other = OrganisationFactory(name="Other Ltd", slug="other")
    other_workflow = one_step_workflow(other, [MembershipFactory(organisation=other).user])
    administrator.is_staff = True
    administrator.save()
    administrator.user_permissions.set(Permission.objects.filter(content_type__app_label="workflows"))
    log_in(page, live_server, administrator)

    page.goto(f"{live_server.url}/admin/workflows/workflow/")
    expect(page.get_by_role("link", name=str(workflow.name)).first).to_be_visible()
    expect(page.get_by_text("Other Ltd")).to_have_count(0)  # not even in the list's filters
    answer = page.goto(f"{live_server.url}/admin/workflows/workflow/{other_workflow.pk}/change/")
    assert answer.status == 404
