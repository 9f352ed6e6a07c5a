"""What an approver sees of a Dext item on the request page."""

import pytest

from tests.dext_integration.conftest import make_item, publish

pytestmark = pytest.mark.django_db


def test_the_request_page_links_to_the_item_in_dext(api, ready, client, approver):
    answer = publish(api, make_item(document_url="https://app.dext.example/costs/CI-000123?a=1&b=<2>"))
    client.force_login(approver)

    page = client.get(answer.json()["url"]).content.decode()

    assert ('<a href="https://app.dext.example/costs/CI-000123?a=1&amp;b=&lt;2&gt;" rel="noopener noreferrer">'
            "Open original document</a>") in page


def test_a_paid_item_without_a_known_bank_account_says_why_it_stays_unpaid(api, ready, client, approver):
    item = make_item(paid=True, payment_method={"name": "Staff card", "bank_account_code": "777"})
    answer = publish(api, item)
    client.force_login(approver)

    page = client.get(answer.json()["url"]).content.decode()

    assert "Paid in Dext, but the payment method has no known bank account" in page
    assert "created awaiting payment" in page


def test_a_paid_item_with_a_known_bank_account_is_not_warned_about(api, ready, client, approver):
    answer = publish(api, make_item(paid=True))
    client.force_login(approver)

    assert "no known bank account" not in client.get(answer.json()["url"]).content.decode()
