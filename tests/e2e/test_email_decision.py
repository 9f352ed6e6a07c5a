"""From a Dext push to a bill in Xero decided from an email, through real parts: the Dext API over
HTTP, a real worker on Redis that announces and mails, an SMTP server, the action link over HTTP
without signing in, and the requester told of the published bill."""

import json
import re

import pytest

from approvalmax.demo.data import ADMINISTRATOR, APPROVERS
from approvalmax.demo.web_client import WebClient
from dext_integration.services import dext_connection_create
from tests.builders import MINIMAL_PDF
from tests.e2e.helpers import wait_for, worker_on_redis
from tests.e2e.test_dext_to_xero import ITEM
from workflows.models import ApprovalRequest, AuditEvent

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _approve_url(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"^Approve: (\S+)", text, flags=re.MULTILINE).group(1)


def test_an_approver_approves_from_the_email_and_the_requester_hears_it_was_published(
        connected_organisation, xero_sandbox, smtp_server):
    requester = f"{ADMINISTRATOR.username}@demo.example"
    amy, ben = (f"{person.username}@demo.example" for person in APPROVERS[:2])
    _, key = dext_connection_create(organisation=connected_organisation, account_name="Dext")
    with worker_on_redis():
        dext = WebClient(xero_sandbox.url)
        item = {**ITEM, "owner": {"email": requester, "name": "Ada Admin"}}
        answer = dext.session.post(
            dext.url("/api/dext/v1/cost-items/"), headers={"Authorization": f"Bearer {key}"},
            files={"document": ("INV-4411.pdf", MINIMAL_PDF, "application/pdf")}, data={"item": json.dumps(item)})
        assert answer.status_code == 201, answer.text

        wait_for(lambda: smtp_server.to(amy) and smtp_server.to(ben))
        [to_amy] = smtp_server.to(amy)
        assert to_amy["Subject"] == "Approval needed: Acme Supplies Ltd 54.00 GBP, bill INV-4411"
        approve = _approve_url(to_amy)
        assert approve.startswith(xero_sandbox.url)

        phone = WebClient(xero_sandbox.url)  # nobody signed in
        decided = phone.post_form(approve, "", {"comment": "From my phone"})
        assert decided.status_code == 200 and "Done: approved" in decided.text

        published = wait_for(lambda: [m for m in smtp_server.to(requester) if m["Subject"].startswith("Published")])
        request = ApprovalRequest.objects.get(public_id=answer.json()["id"])
        assert request.state == ApprovalRequest.State.PUBLISHED
        assert request.external_url in published[0].get_body(preferencelist=("plain",)).get_content()

    assert AuditEvent.objects.get(request=request, action=AuditEvent.Action.APPROVED).data["via"] == "email"
    late = WebClient(xero_sandbox.url).session.get(_approve_url(smtp_server.to(ben)[0]))
    assert late.status_code == 410 and "This request has moved on" in late.text
    assert len(smtp_server.to(amy)) == 1 and len(smtp_server.to(ben)) == 1, "nobody is told twice"
