"""An administrator publishes a failed request again; nobody else can."""

import pytest
from django.urls import reverse

from workflows import outcomes, services
from workflows.exceptions import AlreadyDecided
from workflows.models import ApprovalRequest, AuditEvent
from workflows.signals import request_approved


@pytest.fixture
def failed(create_request, approver, django_capture_on_commit_callbacks):
    request = create_request()
    with django_capture_on_commit_callbacks(execute=False):
        services.request_approve(request_id=request.pk, user=approver)
    outcomes.request_mark_publish_failed(request_id=request.pk, error="The account 999 is archived in Xero.")
    request.refresh_from_db()
    return request


def _url(request) -> str:
    return reverse("workflows:request_publish_again", kwargs={"public_id": request.public_id})


@pytest.mark.django_db(transaction=True)  # announcements are sent on commit
def test_an_administrator_publishes_again_and_it_is_announced(client, administrator, failed):
    announced = []

    def listen(sender, request, **kwargs):
        announced.append(request.pk)

    request_approved.connect(listen)
    try:
        client.force_login(administrator)
        page = client.get(reverse("workflows:request_detail", kwargs={"public_id": failed.public_id}))
        assert b"Publish again" in page.content
        response = client.post(_url(failed))
    finally:
        request_approved.disconnect(listen)

    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.state == ApprovalRequest.State.APPROVED and failed.publish_error == ""
    assert announced == [failed.pk]
    event = failed.audit_events.get(action=AuditEvent.Action.PUBLISH_AGAIN)
    assert event.actor == administrator and "999 is archived" in event.message


def test_an_approver_may_not_publish_again(client, approver, failed):
    client.force_login(approver)
    assert b"Publish again" not in client.get(
        reverse("workflows:request_detail", kwargs={"public_id": failed.public_id})).content
    assert client.post(_url(failed)).status_code == 403
    failed.refresh_from_db()
    assert failed.state == ApprovalRequest.State.PUBLISH_FAILED


def test_another_organisation_gets_not_found(client, outsider, failed):
    client.force_login(outsider)
    assert client.post(_url(failed)).status_code == 404


def test_only_a_failed_request_can_be_published_again(create_request, administrator):
    with pytest.raises(AlreadyDecided):
        outcomes.request_publish_again(request_id=create_request().pk, user=administrator)
