"""The inbox reads what its page shows, whether thousands wait or three (PostgreSQL's plans,
with 1,000 of 3,000 requests open): a long inbox walks the open-requests index in its order and
stops at the page, checking only the requests it walks, instead of joining and sorting every
waiting request or hashing all of the person's assignments; a short one starts from the
person's assignments instead of walking every open request."""

import json
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import require_service
from tests.factories import MembershipFactory, OrganisationFactory
from workflows.models import ApprovalRequest, Assignment, Workflow, WorkflowStep

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postgresql():
    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "these tests read PostgreSQL's query plans")


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
def organisation():
    return OrganisationFactory()


@pytest.fixture
def busy(organisation):
    """An approver for whom 1,000 of the 3,000 requests wait."""
    user = MembershipFactory(organisation=organisation).user
    _waiting_requests(organisation, user, 3000)
    return user


def _inbox(client, user, after: str = "") -> tuple[list[str], str, str]:
    """The page's queries, its bill numbers and its next cursor, as the browser gets them."""
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("workflows:inbox") + (f"?after={after}" if after else ""))
    page = response.content.decode()
    following = re.search(r'after=([^"]+)" rel="next"', page)
    return ([q["sql"] for q in captured.captured_queries], re.findall(r'data-label="Bill number">([^<]+)<', page),
            following.group(1) if following else "")


def _rows_query(queries: list[str]) -> str:
    return next(sql for sql in queries if "LIMIT 51" in sql)


def _most_read(nodes: list[dict]) -> int:
    return max(n["Actual Rows"] * n["Actual Loops"] for n in nodes)


def test_a_long_inbox_walks_to_its_first_page_and_stops(client, busy):
    queries, numbers, _ = _inbox(client, busy)

    nodes = _plan(_rows_query(queries), None)
    walked = [n for n in nodes if n.get("Index Name") == "request_open_oldest_first"]
    assert walked and walked[0]["Actual Rows"] == 51
    assert _most_read(nodes) <= 51, "no step reads more than the page"
    assert numbers[0] == "INV-000000" and len(numbers) == 50


def test_a_deep_page_starts_where_the_cursor_points(client, busy):
    after = ""
    for _ in range(12):  # 600 waiting requests in
        _, _, after = _inbox(client, busy, after)

    queries, numbers, _ = _inbox(client, busy, after)

    nodes = _plan(_rows_query(queries), None)
    walked = [n for n in nodes if n.get("Index Name") == "request_open_oldest_first"]
    assert walked and walked[0]["Actual Rows"] == 51 and walked[0]["Rows Removed by Filter"] <= 1
    assert _most_read(nodes) <= 52
    assert numbers[0] == f"INV-{600 * 3:06}"


def test_a_short_inbox_among_many_open_requests_reads_only_its_own(client, organisation, busy):
    """Three requests wait for this approver among the 1,000 open: the page and its count are
    joined from the approver's assignments, not checked request by request over every open one."""
    quiet = MembershipFactory(organisation=organisation).user
    mine = list(ApprovalRequest.objects.filter(assignments__approver=busy).order_by("-pk")[:3])
    Assignment.objects.bulk_create(Assignment(request=r, revision=1, step_id=r.current_step_id, approver=quiet)
                                   for r in mine)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE workflows_assignment")

    queries, numbers, _ = _inbox(client, quiet)

    assert sorted(numbers) == sorted(r.invoice_number for r in mine)
    for sql in [sql for sql in queries if "workflows_assignment" in sql]:
        assert max(n["Actual Loops"] for n in _plan(sql, None)) <= 51, sql
