"""A Dext push costs a fixed number of database round trips, whatever the number of lines."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.dext_integration.conftest import make_item, publish

pytestmark = pytest.mark.django_db

LINE = {"description": "Printer paper", "quantity": "10", "unit_amount": "4.50", "account_code": "429",
        "tax_type": "INPUT2", "tracking": [{"category": "Region", "option": "North"}]}
# Round trips of a new bill's push, once its process holds the organisation's master data,
# workflow and members (`approvalmax/core/versioned_reads.py`): the key with the data-version
# token; BEGIN (here, inside the test's transaction, a savepoint); the item's claimed row, which
# reserves its request's id; the request, inserted already routed; its assignments, lines, their
# tracking and its document; the audit chain's head, events and new head; COMMIT (here, the
# savepoint's release). 35 before, and 3 more for each line; 24 while master data, the workflow
# and the requester were read on every push; 14 while the request was inserted and then updated,
# the item updated to name it, and the request written inside a savepoint of its own.
MOST = 12




def _statements(api, dext_id: str, lines: int) -> list[str]:
    item = make_item(dext_id=dext_id, line_items=[LINE] * lines, total=f"{54 * lines:.2f}",
                     tax_total=f"{9 * lines:.2f}")
    with CaptureQueriesContext(connection) as captured:
        response = publish(api, item)
    assert response.status_code == 201, response.content
    return [q["sql"] for q in captured.captured_queries]


def test_a_push_takes_the_same_round_trips_for_one_line_or_twenty(api, ready):
    # The first push starts the organisation's chain head and fills the process's reads.
    publish(api, make_item(dext_id="CI-000001"))

    one, twenty = _statements(api, "CI-000002", 1), _statements(api, "CI-000003", 20)

    # Without sequences (SQLite, the demo's database) no id is reserved: the item is updated once its request exists.
    most = MOST if connection.vendor == "postgresql" else MOST + 1
    assert len(one) == len(twenty) <= most
