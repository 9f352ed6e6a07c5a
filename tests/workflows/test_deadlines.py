"""Deadlines in working time, reminders, escalation and holds, with time moved by time-machine."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine

from tests.workflows.helpers import events, reload
from workflows import deadlines, discussion, notices, services
from workflows.models import Assignment, AuditEvent, WorkflowStep
from workflows.working_time import add_working_time

SYDNEY = ZoneInfo("Australia/Sydney")


def _working_week(organisation, zone="Australia/Sydney"):
    organisation.timezone = zone
    organisation.working_days = "12345"
    organisation.working_day_starts, organisation.working_day_ends = time(9, 0), time(17, 0)
    organisation.save()


def test_a_deadline_counts_working_time_across_a_weekend_in_the_organisation_s_time_zone(organisation):
    _working_week(organisation)
    friday_afternoon = datetime(2026, 12, 4, 15, 0, tzinfo=SYDNEY)  # 04:00 UTC on Friday

    due_hours = add_working_time(friday_afternoon, 4, WorkflowStep.DeadlineUnit.WORKING_HOURS, organisation)
    due_days = add_working_time(friday_afternoon, 1, WorkflowStep.DeadlineUnit.WORKING_DAYS, organisation)
    saturday = add_working_time(datetime(2026, 12, 5, 11, 0, tzinfo=SYDNEY), 1,
                                WorkflowStep.DeadlineUnit.WORKING_HOURS, organisation)

    assert due_hours.astimezone(SYDNEY) == datetime(2026, 12, 7, 11, 0, tzinfo=SYDNEY)  # Monday 11:00
    assert due_days.astimezone(SYDNEY) == datetime(2026, 12, 7, 15, 0, tzinfo=SYDNEY)  # Monday 15:00
    assert saturday.astimezone(SYDNEY) == datetime(2026, 12, 7, 10, 0, tzinfo=SYDNEY)


def _deadline(workflow, *, escalation="", to=None, hours=4):
    step = workflow.steps.get()
    step.deadline, step.deadline_unit = hours, WorkflowStep.DeadlineUnit.WORKING_HOURS
    step.escalation, step.escalate_to = escalation, to
    step.save()
    return step


def test_a_step_shows_its_due_time_and_escalates_once_it_passes_by_telling_the_contact(
        client, organisation, create_request, workflow, approver, administrator, deliver_mail):
    _working_week(organisation)
    _deadline(workflow, escalation=WorkflowStep.Escalation.NOTIFY, to=administrator)
    with time_machine.travel(datetime(2026, 12, 4, 15, 0, tzinfo=SYDNEY), tick=False):
        request = create_request()
        deliver_mail()
    request = reload(request)
    assert request.step_due_at.astimezone(SYDNEY) == datetime(2026, 12, 7, 11, 0, tzinfo=SYDNEY)

    with time_machine.travel(datetime(2026, 12, 7, 10, 59, tzinfo=SYDNEY), tick=False):
        assert deadlines.requests_overdue() == []
    with time_machine.travel(datetime(2026, 12, 7, 11, 1, tzinfo=SYDNEY), tick=False):
        assert deadlines.requests_overdue() == [request.pk]
        assert deadlines.request_escalate(request_id=request.pk) is True
        assert deadlines.request_escalate(request_id=request.pk) is False
        mail = deliver_mail()
        client.force_login(approver)
        page = client.get(f"/requests/{request.public_id}/").content.decode()
        inbox = client.get("/requests/awaiting/").content.decode()

    assert [m["To"] for m in mail] == [administrator.email] and mail[0]["Subject"].startswith("Overdue:")
    escalation = events(request, AuditEvent.Action.ESCALATED)
    assert len(escalation) == 1 and "is overdue" in escalation[0].message
    assert "Overdue:" in page
    assert re.search(r'<td data-label="Due" class="overdue"><strong>Overdue</strong>', inbox)


def test_escalation_can_add_the_contact_as_an_approver(organisation, create_request, workflow, approver, bystander,
                                                       deliver_mail):
    _deadline(workflow, escalation=WorkflowStep.Escalation.ADD_APPROVER, to=bystander, hours=1)
    request = create_request()
    deliver_mail()

    with time_machine.travel(reload(request).step_due_at + timedelta(minutes=1)):
        deadlines.request_escalate(request_id=request.pk)
        mail = deliver_mail()

    assert reload(request).current_approver_ids() == {approver.pk, bystander.pk}
    assert [m["To"] for m in mail] == [bystander.email] and mail[0]["Subject"].startswith("Escalated to you:")
    services.request_approve(request_id=request.pk, user=bystander)
    assert reload(request).state == "approved"


def test_escalation_can_hand_an_any_one_step_over(organisation, create_request, workflow, approver, bystander,
                                                  deliver_mail):
    _deadline(workflow, escalation=WorkflowStep.Escalation.HAND_OVER, to=bystander, hours=1)
    request = create_request()

    with time_machine.travel(reload(request).step_due_at + timedelta(minutes=1)):
        deadlines.request_escalate(request_id=request.pk)

    request = reload(request)
    assert request.current_approver_ids() == {bystander.pk}
    assert list(Assignment.objects.filter(request=request).values_list("approver_id", flat=True)) == [bystander.pk]
    assert request.decides_for(approver) is None


def test_the_requester_is_never_made_an_approver_by_escalation(organisation, create_request, workflow, approver,
                                                               deliver_mail):
    from tests.factories import MembershipFactory

    requester = MembershipFactory(organisation=organisation, user__email="sam@example.com").user
    _deadline(workflow, escalation=WorkflowStep.Escalation.ADD_APPROVER, to=requester, hours=1)
    request = create_request()

    with time_machine.travel(reload(request).step_due_at + timedelta(minutes=1)):
        deadlines.request_escalate(request_id=request.pk)

    assert reload(request).current_approver_ids() == {approver.pk}
    assert events(request, AuditEvent.Action.ESCALATED)[0].data["mode"] == "notify"


def test_reminders_come_once_a_day_after_the_threshold_and_pause_on_hold(
        organisation, create_request, approver, deliver_mail):
    organisation.reminder_after_hours = 24
    organisation.save()
    start = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/London"))
    with time_machine.travel(start, tick=False):
        request = create_request()
        deliver_mail()

    def remind(at):
        with time_machine.travel(at, tick=False):
            for waiting in deadlines.requests_to_remind():
                notices.reminders_send(request=waiting)
            return deliver_mail()

    assert remind(start + timedelta(hours=23)) == []
    reminded = remind(start + timedelta(hours=25))
    assert [m["To"] for m in reminded] == [approver.email] and reminded[0]["Subject"].startswith("Reminder:")
    assert remind(start + timedelta(hours=26)) == [], "once a day"
    with time_machine.travel(start + timedelta(hours=27), tick=False):
        discussion.request_hold(request_id=request.pk, user=approver, reason="Waiting for the credit note",
                                until=start + timedelta(days=4))
    assert remind(start + timedelta(hours=50)) == [], "on hold"
    with time_machine.travel(start + timedelta(days=4, minutes=5), tick=False):
        assert discussion.holds_ending() == [request.pk]
        discussion.request_release(request_id=request.pk)
    back = remind(start + timedelta(days=4, hours=1))
    assert sorted(m["Subject"].split(":")[0] for m in back) == ["Back from hold", "Reminder"]
    assert [e.action for e in events(request, AuditEvent.Action.HOLD_ENDED)] == ["hold_ended"]


def test_a_hold_needs_a_reason_a_future_date_and_an_approver(create_request, approver, bystander):
    from approvalmax.core.exceptions import ApplicationError
    from django.utils import timezone

    request = create_request()
    tomorrow = timezone.now() + timedelta(days=1)
    for user, reason, until in [(approver, "", tomorrow), (approver, "why", timezone.now() - timedelta(hours=1)),
                                (bystander, "why", tomorrow), (approver, "why", timezone.now() + timedelta(days=91))]:
        try:
            discussion.request_hold(request_id=request.pk, user=user, reason=reason, until=until)
        except ApplicationError:
            continue
        raise AssertionError(f"a hold by {user} with {reason!r} until {until} was accepted")
    assert reload(request).held_until is None


def test_a_step_s_settings_are_checked_before_they_are_saved(workflow, approver):
    from django.core.exceptions import ValidationError

    step = workflow.steps.get()
    for changes, field in [({"mode": "quorum", "quorum": None}, "quorum"),
                           ({"escalation": "notify", "deadline": None, "escalate_to": approver}, "deadline"),
                           ({"escalation": "notify", "deadline": 2, "escalate_to": None}, "escalate_to"),
                           ({"mode": "all", "escalation": "hand_over", "deadline": 2, "escalate_to": approver},
                            "escalation")]:
        for name, value in changes.items():
            setattr(step, name, value)
        try:
            step.full_clean()
        except ValidationError as error:
            assert field in error.message_dict
        else:
            raise AssertionError(f"{changes} was accepted")
        step.refresh_from_db()
