"""Switchable fault injection: tests arm a fault, the next matching calls misbehave, then it is spent."""

import pytest

from tests.xero_sandbox.conftest import bill
from xero_integration.sandbox.faults import fault_arm
from xero_integration.sandbox.models import Fault, Invoice

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_error_answers_500_and_does_nothing(api):
    fault_arm(kind=Fault.Kind.ERROR, method="PUT", path_contains="/invoices", times=2)

    for _ in range(2):
        assert api.put("Invoices", {"Invoices": [bill()]}, summarizeErrors="false").status_code == 500
    assert not Invoice.objects.exists()
    assert api.put("Invoices", {"Invoices": [bill()]}, summarizeErrors="false").status_code == 200
    assert Invoice.objects.count() == 1


def test_a_lost_answer_does_the_work_then_answers_502(api):
    fault_arm(kind=Fault.Kind.LOST_ANSWER, method="PUT", path_contains="/invoices")

    answer = api.put("Invoices", {"Invoices": [bill()]}, summarizeErrors="false")

    assert answer.status_code == 502
    assert Invoice.objects.count() == 1


def test_a_lost_answer_is_replayed_under_its_idempotency_key_inside_the_window(api):
    fault_arm(kind=Fault.Kind.LOST_ANSWER, method="PUT", path_contains="/invoices")
    headers = {"Idempotency-Key": "bill-1"}

    assert api.put("Invoices", {"Invoices": [bill()]}, headers=headers, summarizeErrors="false").status_code == 502
    replay = api.put("Invoices", {"Invoices": [bill()]}, headers=headers, summarizeErrors="false")

    assert replay.status_code == 200
    assert Invoice.objects.count() == 1
    assert replay.json()["Invoices"][0]["InvoiceID"] == str(Invoice.objects.get().pk)


def test_faults_match_only_their_method_and_path(api):
    fault_arm(kind=Fault.Kind.ERROR, method="PUT", path_contains="/payments")

    assert api.get("Invoices").status_code == 200
    assert api.put("Invoices", {"Invoices": [bill()]}, summarizeErrors="false").status_code == 200
    assert Fault.objects.get().remaining == 1
