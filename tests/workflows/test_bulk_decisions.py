"""Deciding several bills at once from the inbox: each decided on its own, each with its result."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, chart_of_accounts, one_step_workflow
from tests.builders import bill_content, pdf_document
from tests.files import pdf
from tests.workflows.helpers import reload
from workflows import services
from workflows.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = reverse("workflows:inbox_decide")


def _bill(create_request, n: int, **overrides):
    """A bill of its own (its own file too: the same file twice is a possible duplicate)."""
    return create_request(source_reference=f"CI-{n}", document=pdf_document(f"{n}.pdf", data=pdf(pages=n)),
                          **overrides)


def _choice(request) -> str:
    return f"{request.public_id}:{request.current_step_id}"


def test_several_bills_are_approved_each_audited(client, create_request, approver):
    first = _bill(create_request, 1, invoice_number="A-1")
    second = _bill(create_request, 2, invoice_number="B-2", supplier=None, supplier_name="Other Ltd")
    client.force_login(approver)

    page = client.post(URL, {"chosen": [_choice(first), _choice(second)], "decision": "approve"}).content.decode()

    assert "2 of 2 approved." in page
    for request in (first, second):
        assert reload(request).state == "approved"
        assert request.audit_events.filter(action=AuditEvent.Action.APPROVED, actor=approver).count() == 1


def test_each_bill_gets_its_own_result(client, create_request, approver, second_approver, organisation):
    fine = _bill(create_request, 1, invoice_number="A-1", supplier=None, supplier_name="Fine Ltd")
    duplicate = _bill(create_request, 2, invoice_number="D-2")
    _bill(create_request, 3, invoice_number="D-2", supplier_name="Acme Supplies Ltd")  # the same bill again
    decided = _bill(create_request, 4, invoice_number="C-3", supplier=None, supplier_name="Third Ltd")
    stale = _choice(decided)
    services.request_approve(request_id=decided.pk, user=approver)
    elsewhere = MembershipFactory().organisation
    one_step_workflow(elsewhere, [MembershipFactory(organisation=elsewhere).user])
    foreign = services.request_create(organisation=elsewhere, content=bill_content(chart_of_accounts(elsewhere)),
                                      document=pdf_document())
    client.force_login(approver)

    page = client.post(URL, {"chosen": [_choice(fine), _choice(duplicate), stale, _choice(foreign)],
                             "decision": "approve"}).content.decode()

    assert "1 of 4 approved." in page
    assert reload(duplicate).state == "on_approval" and "Say why you approve it anyway" in page
    assert reload(foreign).state == "on_approval" and "No such request." in page
    assert reload(fine).state == "approved"


def test_rejecting_several_needs_a_comment_which_each_carries(client, create_request, approver):
    first = _bill(create_request, 1, invoice_number="A-1")
    second = _bill(create_request, 2, invoice_number="B-2", supplier=None, supplier_name="Other Ltd")
    client.force_login(approver)

    refused = client.post(URL, {"chosen": [_choice(first)], "decision": "reject"})
    done = client.post(URL, {"chosen": [_choice(first), _choice(second)], "decision": "reject",
                             "comment": "Not ours"}).content.decode()

    assert refused.status_code == 400 and "Rejecting needs a comment" in refused.content.decode()
    assert "2 of 2 rejected." in done
    assert all(reload(r).state == "rejected" for r in (first, second))


@pytest.mark.parametrize("data", [{"decision": "approve"}, {"chosen": ["not-a-uuid"], "decision": "approve"},
                                  {"chosen": ["00000000-0000-0000-0000-000000000000:1"], "decision": "maybe"}])
def test_bad_input_decides_nothing(client, create_request, approver, data):
    request = create_request()
    client.force_login(approver)

    response = client.post(URL, data)

    assert response.status_code == 400 and "Nothing was decided" in response.content.decode()
    assert reload(request).state == "on_approval"


def test_someone_who_does_not_decide_is_refused_item_by_item(client, create_request, bystander):
    request = create_request()
    client.force_login(bystander)

    page = client.post(URL, {"chosen": [_choice(request)], "decision": "approve"}).content.decode()

    assert "0 of 1 approved." in page and "Not decided" in page
    assert reload(request).state == "on_approval"
