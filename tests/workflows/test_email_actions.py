"""Deciding from an email's links (INTERFACES.md §5): a GET never decides, a POST decides once, and
every refusal is a clear page."""

import re
from datetime import timedelta

import time_machine
from django.utils import timezone

from tests.workflows.helpers import add_step, events, reload
from workflows import services
from workflows.models import AuditEvent


def _links(message) -> dict[str, str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    found = dict(re.findall(r"^(Approve|Reject): (\S+)\s*$", text, flags=re.MULTILINE))
    return {decision.lower(): url.replace("http://127.0.0.1:8000", "") for decision, url in found.items()}


def _mailed_links(create_request, deliver_mail, **overrides):
    request = create_request(**overrides)
    return request, _links(deliver_mail()[0])


def test_opening_the_link_shows_the_bill_and_decides_nothing(client, create_request, deliver_mail):
    request, links = _mailed_links(create_request, deliver_mail)

    page = client.get(links["approve"])

    assert page.status_code == 200
    html = page.content.decode()
    assert "Acme Supplies Ltd" in html and "Printer paper" in html and "Confirm: approve" in html
    assert reload(request).state == "on_approval"


def test_the_confirm_button_approves_once_as_the_person_named_and_the_trail_says_email(
        client, create_request, approver, deliver_mail):
    request, links = _mailed_links(create_request, deliver_mail)
    client.get(links["approve"])

    done = client.post(links["approve"], {"comment": ""})

    assert done.status_code == 200 and "Done: approved" in done.content.decode()
    request = reload(request)
    assert request.state == "approved"
    approval = events(request, AuditEvent.Action.APPROVED)[0]
    assert approval.actor == approver and approval.data["via"] == "email"
    assert "Decided from the link in an email." in approval.message
    again = client.post(links["approve"], {"comment": ""})
    assert again.status_code == 410 and "This link has been used" in again.content.decode()


def test_rejecting_from_the_link_asks_for_the_comment(client, create_request, deliver_mail):
    request, links = _mailed_links(create_request, deliver_mail)

    empty = client.post(links["reject"], {"comment": " "})
    assert empty.status_code == 400 and "A rejection needs a comment" in empty.content.decode()
    assert reload(request).state == "on_approval"

    client.post(links["reject"], {"comment": "Not ours"})
    assert reload(request).state == "rejected"
    assert events(request, AuditEvent.Action.REJECTED)[0].message.startswith("Not ours")


def test_the_reject_link_dies_with_the_approve_link(client, create_request, deliver_mail):
    request, links = _mailed_links(create_request, deliver_mail)
    client.post(links["approve"], {})

    page = client.post(links["reject"], {"comment": "Changed my mind"})

    assert page.status_code == 410 and reload(request).state == "approved"


def test_a_link_expires_after_the_organisation_s_days(client, organisation, create_request, deliver_mail):
    organisation.action_link_days = 2
    organisation.save()
    request, links = _mailed_links(create_request, deliver_mail)

    with time_machine.travel(timezone.now() + timedelta(days=2, minutes=1)):
        page = client.post(links["approve"], {})

    assert page.status_code == 410 and "This link has expired" in page.content.decode()
    assert reload(request).state == "on_approval"


def test_a_link_dies_when_the_request_moves_on(client, create_request, workflow, approver, second_approver,
                                               deliver_mail):
    add_step(workflow, position=2, approvers=[second_approver])
    step = workflow.steps.get(position=1)
    step.approvers.add(second_approver)
    request = create_request()
    mail = deliver_mail()
    second_links = _links(next(m for m in mail if m["To"] == second_approver.email))
    services.request_approve(request_id=request.pk, user=approver)

    page = client.post(second_links["approve"], {})

    assert page.status_code == 410 and "This request has moved on" in page.content.decode()
    assert reload(request).current_step.position == 2


def test_a_tampered_link_is_refused_without_a_500(client, create_request, deliver_mail):
    request, links = _mailed_links(create_request, deliver_mail)
    url = links["approve"]
    tampered = url[:-6] + ("A" if url[-6] != "A" else "B") + url[-5:]

    for page in (client.get(tampered), client.post(tampered, {}), client.get("/act/not-a-token/")):
        assert page.status_code == 400 and "This link is not valid" in page.content.decode()
    assert reload(request).state == "on_approval"


def test_another_person_signed_in_cannot_use_the_link(client, create_request, bystander, deliver_mail):
    request, links = _mailed_links(create_request, deliver_mail)
    client.force_login(bystander)

    page = client.post(links["approve"], {})

    assert page.status_code == 403 and "someone else" in page.content.decode()
    assert reload(request).state == "on_approval"


def test_the_link_needs_the_csrf_token(create_request, deliver_mail):
    from django.test import Client

    request, links = _mailed_links(create_request, deliver_mail)
    strict = Client(enforce_csrf_checks=True)

    page = strict.post(links["approve"], {})

    assert page.status_code == 403 and reload(request).state == "on_approval"
    form = strict.get(links["approve"])
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode()).group(1)
    assert strict.post(links["approve"], {"csrfmiddlewaretoken": token}).status_code == 200
    assert reload(request).state == "approved"
