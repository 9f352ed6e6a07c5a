"""Who hears what (INTERFACES.md §5), through a real SMTP server in the test process."""

from tests.factories import MembershipFactory
from tests.workflows.helpers import add_step, events, reload
from workflows import discussion, outcomes, services
from workflows.models import AuditEvent, WorkflowStep
from workflows.notices import event_announce


def test_the_first_step_s_approvers_are_mailed_with_the_bill_and_links(create_request, approver, deliver_mail):
    request = create_request()

    mail = deliver_mail()

    assert [m["To"] for m in mail] == [approver.email]
    message = mail[0]
    assert message["Subject"] == "Approval needed: Acme Supplies Ltd 54.00 GBP, bill INV-4411"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Printer paper" in text and "Printer paper" in html
    assert f"/requests/{request.public_id}/" in text
    assert "/act/" in text and ">Approve</a>" in html and ">Reject</a>" in html
    unsubscribe = str(message["List-Unsubscribe"]).strip()
    assert unsubscribe.startswith("<http") and "/notifications/unsubscribe/" in unsubscribe
    assert message["From"] == "approvals@localhost"


def test_sequential_steps_tell_the_next_approver_only_when_it_is_their_turn(
        create_request, workflow, approver, second_approver, deliver_mail):
    add_step(workflow, position=2, approvers=[second_approver])
    request = create_request()

    assert [m["To"] for m in deliver_mail()] == [approver.email]
    services.request_approve(request_id=request.pk, user=approver)
    assert [m["To"] for m in deliver_mail()] == [second_approver.email]


def test_announcing_an_event_twice_tells_nobody_twice(create_request, approver, deliver_mail):
    create_request()
    assert len(deliver_mail()) == 1

    event = AuditEvent.objects.get(action=AuditEvent.Action.STEP_STARTED)
    assert event_announce(event_id=event.pk) == 0
    assert deliver_mail() == []


def test_the_requester_hears_of_approval_rejection_with_its_comment_and_publishing(
        organisation, create_request, approver, deliver_mail):
    requester = MembershipFactory(organisation=organisation, user__email="sam@example.com").user
    approved = create_request(source_reference="CI-1")
    rejected = create_request(source_reference="CI-2")
    deliver_mail()

    services.request_approve(request_id=approved.pk, user=approver, comment="Not a duplicate: a separate bill.")
    services.request_reject(request_id=rejected.pk, user=approver, comment="Wrong supplier, ask Dext again")
    outcomes.request_mark_published(request_id=approved.pk, external_system="xero", external_id="abc",
                                    external_url="https://go.example/bill/abc")
    mail = deliver_mail()

    subjects = sorted(m["Subject"] for m in mail if m["To"] == requester.email)
    assert subjects == ["Approved: Acme Supplies Ltd 54.00 GBP, bill INV-4411",
                        "Published: Acme Supplies Ltd 54.00 GBP, bill INV-4411",
                        "Rejected: Acme Supplies Ltd 54.00 GBP, bill INV-4411"]
    rejection = next(m for m in mail if m["Subject"].startswith("Rejected"))
    assert "Wrong supplier, ask Dext again" in rejection.get_body(preferencelist=("plain",)).get_content()
    published = next(m for m in mail if m["Subject"].startswith("Published"))
    assert "https://go.example/bill/abc" in published.get_body(preferencelist=("plain",)).get_content()
    trail = events(approved, AuditEvent.Action.PUBLISHED)[0].message
    assert trail == "Created in Xero as bill INV-4411: https://go.example/bill/abc."
    assert all(m["To"] != approver.email for m in mail), "the approver who acted is not told of their own act"


def test_administrators_hear_of_a_failed_publish_even_with_email_switched_off(
        organisation, create_request, approver, administrator, deliver_mail):
    from approvalmax.notifications.services import preference_set

    preference_set(user=administrator, organisation_id=organisation.pk, delivery="none")
    request = create_request()
    services.request_approve(request_id=request.pk, user=approver)
    deliver_mail()

    outcomes.request_mark_publish_failed(request_id=request.pk, error="The account 400 is archived in Xero.")
    mail = deliver_mail()

    assert [m["To"] for m in mail] == [administrator.email]
    assert "The account 400 is archived in Xero." in mail[0].get_body(preferencelist=("plain",)).get_content()


def test_a_mention_and_the_watchers_hear_of_a_comment_but_not_its_author(
        organisation, create_request, approver, second_approver, bystander, deliver_mail):
    request = create_request()
    deliver_mail()
    discussion.request_watch(request_id=request.pk, user=bystander, watch=True)

    discussion.request_comment(request_id=request.pk, user=approver,
                               body=f"@{second_approver.username} is this the March order?")
    mail = deliver_mail()

    assert sorted(m["To"] for m in mail) == sorted([second_approver.email, bystander.email])
    assert "is this the March order?" in mail[0].get_body(preferencelist=("plain",)).get_content()
    event = events(request, AuditEvent.Action.COMMENTED)[0]
    assert event.data["mentions"] == [second_approver.pk] and event.actor == approver


def test_a_substitute_is_told_for_an_approver_who_is_away(organisation, create_request, approver, bystander,
                                                          deliver_mail):
    from django.utils import timezone

    from workflows.models import Substitution

    today = timezone.localdate()
    Substitution.objects.create(organisation=organisation, user=approver, substitute=bystander, starts_on=today,
                                ends_on=today)
    create_request()

    assert sorted(m["To"] for m in deliver_mail()) == sorted([approver.email, bystander.email])


def test_a_request_that_moved_on_before_the_mail_left_sends_no_stale_links(create_request, workflow, approver,
                                                                            second_approver, smtp_server):
    from workflows.notices import event_announce as announce

    add_step(workflow, position=2, approvers=[second_approver])
    request = create_request()
    services.request_approve(request_id=request.pk, user=approver)
    first_step = events(request, AuditEvent.Action.STEP_STARTED)[0]

    assert announce(event_id=first_step.pk) == 0
    assert reload(request).current_step.position == 2


def test_a_quorum_step_completes_at_its_number(organisation, master_data, create_request, workflow, approver,
                                               second_approver, bystander):
    step = workflow.steps.get()
    step.mode, step.quorum = WorkflowStep.Mode.QUORUM, 2
    step.save()
    step.approvers.set([approver, second_approver, bystander])
    request = create_request()
    assert "at least 2 of" in events(request, AuditEvent.Action.STEP_STARTED)[0].message

    services.request_approve(request_id=request.pk, user=approver)
    assert reload(request).state == "on_approval"
    services.request_approve(request_id=request.pk, user=bystander)
    assert reload(request).state == "approved"
