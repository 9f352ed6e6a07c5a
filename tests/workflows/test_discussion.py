"""The request page's discussion: comments with @mentions, watching, holds; in the audit report too."""

from datetime import date, timedelta

from tests.workflows.helpers import events, reload
from workflows.audit_report import audit_report_html
from workflows.models import AuditEvent, Comment, Watch


def test_a_comment_is_shown_on_the_page_and_in_the_audit_report(client, create_request, approver, second_approver):
    request = create_request()
    client.force_login(approver)

    answer = client.post(f"/requests/{request.public_id}/comments/",
                         {"body": f"@{second_approver.username} is this the March order?"})

    assert answer.status_code == 302
    page = client.get(f"/requests/{request.public_id}/").content.decode()
    assert "is this the March order?" in page and "1 mentioned person told" in page
    assert "is this the March order?" in audit_report_html(request=reload(request))
    assert Watch.objects.filter(request=request, user=approver).exists()


def test_a_mention_of_nobody_is_refused_and_nothing_is_posted(client, create_request, approver):
    request = create_request()
    client.force_login(approver)

    client.post(f"/requests/{request.public_id}/comments/", {"body": "@nobody-here please look"})

    page = client.get(f"/requests/{request.public_id}/").content.decode()
    assert "Nobody in the organisation is @nobody-here" in page
    assert not Comment.objects.exists() and not events(request, AuditEvent.Action.COMMENTED)


def test_another_organisation_cannot_comment_watch_or_hold(client, create_request, outsider):
    request = create_request()
    client.force_login(outsider)

    for action, data in [("comments", {"body": "hello"}), ("watch", {"watch": "1"}),
                         ("hold", {"reason": "x", "until": (date.today() + timedelta(days=2)).isoformat()})]:
        assert client.post(f"/requests/{request.public_id}/{action}/", data).status_code == 404
    assert not Comment.objects.exists() and not Watch.objects.exists() and reload(request).held_until is None


def test_an_approver_holds_the_request_from_the_page_and_everyone_sees_it(client, create_request, approver,
                                                                          bystander):
    request = create_request()
    client.force_login(approver)
    until = date.today() + timedelta(days=3)

    client.post(f"/requests/{request.public_id}/hold/", {"reason": "Waiting for the credit note",
                                                        "until": until.isoformat()})

    assert reload(request).is_on_hold
    client.force_login(bystander)
    page = client.get(f"/requests/{request.public_id}/").content.decode()
    assert "On hold until" in page and "Waiting for the credit note" in page
    assert client.post(f"/requests/{request.public_id}/release/").status_code == 302
    assert reload(request).is_on_hold, "a bystander cannot end the hold"
    client.force_login(approver)
    client.post(f"/requests/{request.public_id}/release/")
    assert not reload(request).is_on_hold
