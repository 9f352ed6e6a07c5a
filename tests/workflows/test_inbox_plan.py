"""The inbox's page walks the open-requests index in its order and stops at a page, checking
only the requests it walks: it neither joins and sorts every waiting request nor hashes all of
the person's assignments (PostgreSQL's plan, with thousands waiting)."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import MembershipFactory, OrganisationFactory
from workflows import selectors
from workflows.pagination import KeysetPage, keyset_page
from workflows.models import ApprovalRequest, Assignment, Workflow, WorkflowStep

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL plan"),
]


def _waiting_requests(organisation, user, count: int) -> None:
    """`count` requests of which a third wait at the one step, assigned to `user`, as in the bench."""
    workflow = Workflow.objects.create(organisation=organisation)
    step = WorkflowStep.objects.create(workflow=workflow, position=1, name="Approval")
    open_state, done = ApprovalRequest.State.ON_APPROVAL, ApprovalRequest.State.PUBLISHED
    requests = ApprovalRequest.objects.bulk_create(
        ApprovalRequest(organisation=organisation, workflow=workflow, state=done if n % 3 else open_state,
                        current_step=None if n % 3 else step, supplier_name=f"Supplier {n % 97}",
                        invoice_number=f"INV-{n:06}", date=date(2026, 1, 1) + timedelta(days=n % 300), currency="GBP",
                        tax_treatment="exclusive", sub_total=Decimal("100.00"), tax_total=Decimal("20.00"),
                        total=Decimal("120.00"), source_system="dext", source_reference=f"CI-{n}")
        for n in range(count))
    Assignment.objects.bulk_create(Assignment(request=r, revision=1, step=step, approver=user)
                                   for r in requests if r.state == open_state)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE workflows_approvalrequest SET created_at = %s + (id * interval '1 second')",
                       [timezone.now() - timedelta(days=365)])
        cursor.execute("ANALYZE workflows_approvalrequest")
        cursor.execute("ANALYZE workflows_assignment")


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _plan(sql: str, params) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        explained = cursor.fetchone()[0]  # psycopg decodes the JSON already
    return list(_nodes((json.loads(explained) if isinstance(explained, str) else explained)[0]["Plan"]))


@pytest.fixture
def waiting_user():
    organisation = OrganisationFactory()
    user = MembershipFactory(organisation=organisation).user
    _waiting_requests(organisation, user, 6000)
    return user


def _page_query(user, after: str = "") -> tuple[str, KeysetPage]:
    with CaptureQueriesContext(connection) as captured:
        page = keyset_page(selectors.inbox_for_user(user=user), after=after, newest_first=False, size=50)
    rows = next(q["sql"] for q in captured.captured_queries if "ORDER BY" in q["sql"])
    return rows, page


def test_the_first_page_stops_after_its_rows(waiting_user):
    sql, page = _page_query(waiting_user)

    nodes = _plan(sql, None)
    walked = [n for n in nodes if n.get("Index Name") == "request_open_oldest_first"]
    assert walked and walked[0]["Actual Rows"] == 51
    assert max(n["Actual Rows"] * n["Actual Loops"] for n in nodes) <= 51, "no step reads more than the page"
    assert len(page.object_list) == 50


def test_a_deep_page_starts_where_the_cursor_points(waiting_user):
    after = ""
    for _ in range(30):  # 1,500 waiting requests in
        _, page = _page_query(waiting_user, after)
        after = page.next

    sql, page = _page_query(waiting_user, after)

    nodes = _plan(sql, None)
    walked = [n for n in nodes if n.get("Index Name") == "request_open_oldest_first"]
    assert walked and walked[0]["Actual Rows"] == 51 and walked[0]["Rows Removed by Filter"] <= 1
    assert max(n["Actual Rows"] * n["Actual Loops"] for n in nodes) <= 52
    assert page.object_list[0].invoice_number == f"INV-{1500 * 3:06}"
