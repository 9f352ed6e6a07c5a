"""An approver approves from the link in an email the demo's mail catcher caught, in a real
browser, without signing in: the link shows the bill, and only the confirm button decides."""

import re

import pytest
from playwright.sync_api import expect

from approvalmax.notifications.models import Notification
from approvalmax.notifications.sandbox.catcher import catcher, messages
from approvalmax.notifications.tasks import deliver
from tests.mail_fixtures import free_port
from workflows.models import ApprovalRequest, AuditEvent
from workflows.notices import event_announce

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_approving_from_the_link_in_a_caught_message(page, live_server, settings, tmp_path, create_request, approver):
    settings.PUBLIC_BASE_URL = live_server.url
    settings.MAIL_CATCHER_DIR = tmp_path / "mail"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"  # pytest-django's default keeps mail in memory
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    mail_catcher = catcher(settings.MAIL_CATCHER_DIR, port=settings.EMAIL_PORT)
    mail_catcher.start()
    try:
        request = create_request()
        for event in AuditEvent.objects.filter(request=request, action=AuditEvent.Action.STEP_STARTED):
            event_announce(event_id=event.pk)
        for pk in Notification.objects.values_list("pk", flat=True):
            deliver.apply(args=[pk])
    finally:
        mail_catcher.stop()
    assert list(Notification.objects.values_list("mail", "mail_error")) == [("sent", "")]
    (_, caught), = messages(settings.MAIL_CATCHER_DIR)
    assert caught["To"] == approver.email
    text = next(part for part in caught.walk() if part.get_content_type() == "text/plain").get_payload(decode=True)
    approve_url = re.search(r"^Approve: (\S+)", text.decode(), flags=re.MULTILINE).group(1)

    page.goto(approve_url)
    expect(page.get_by_role("heading", name="Approve this bill from Acme Supplies Ltd?")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("Printer paper")
    assert ApprovalRequest.objects.get(pk=request.pk).state == ApprovalRequest.State.ON_APPROVAL
    page.get_by_label("Comment (optional)").fill("Fine by me, from my phone.")
    page.get_by_role("button", name="Confirm: approve").click()

    expect(page.get_by_role("heading", name="Done: approved")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("It is now approved")
    assert ApprovalRequest.objects.get(pk=request.pk).state == ApprovalRequest.State.APPROVED
    approval = AuditEvent.objects.get(request=request, action=AuditEvent.Action.APPROVED)
    assert approval.actor == approver and approval.data["via"] == "email"

    page.goto(approve_url)
    expect(page.get_by_role("heading", name="This link has been used")).to_be_visible()
