"""Administrators manage their organisation's members on our pages, without being superusers:
invite by email (a signed link that works once, for 7 days), set roles, remove; refused, saying
why, whatever would leave no administrator or bills waiting for someone who can no longer decide."""

import html
import re
import time
from types import SimpleNamespace

import pytest
from django.core import signing
from django.urls import reverse

from approvalmax.core.models import ConfigurationChange, Membership
from approvalmax.members import services
from approvalmax.members.models import Invitation
from tests.factories import MembershipFactory, one_step_workflow
from workflows.models import ApprovalRequest

pytestmark = pytest.mark.django_db
Role = Membership.Role


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def _members_url(organisation, name="members", **kwargs):
    return reverse(f"members:{name}", kwargs={"slug": organisation.slug, **kwargs})


def _link(message) -> str:
    return re.search(r"(https?://\S+/invitations/\S+/)", message.get_body(preferencelist=("plain",)).get_content()).group(1)


def test_an_invitation_is_mailed_with_a_link_that_makes_a_new_person_a_member(
        admin_client, client, organisation, smtp_server, settings):
    response = admin_client.post(_members_url(organisation, "invite"), {"email": "New.Person@Example.com",
                                                                         "role": Role.AUDITOR})
    assert response.status_code == 302
    [message] = smtp_server.to("new.person@example.com")
    assert message["Subject"] == f"Join {organisation.name} on ApprovalMax"
    link = _link(message)
    assert link.startswith(settings.PUBLIC_BASE_URL)

    client.logout()
    path = link.removeprefix(settings.PUBLIC_BASE_URL)
    page = client.get(path)
    assert "Create my account and join" in page.content.decode()
    joined = client.post(path, {"first_name": "New", "last_name": "Person", "password1": "a-long-pass-phrase-9",
                                "password2": "a-long-pass-phrase-9"})

    assert joined.status_code == 302 and joined["Location"] == reverse("workflows:inbox")
    membership = Membership.objects.get(organisation=organisation, user__email="new.person@example.com")
    assert membership.role == Role.AUDITOR and membership.user.username == "new.person@example.com"
    assert client.get(path).status_code == 404  # once only
    assert ConfigurationChange.objects.filter(organisation=organisation, subject_type="members.invitation").exists()


def test_a_link_that_was_altered_withdrawn_or_is_too_old_is_refused(admin_client, organisation, administrator,
                                                                    monkeypatch):
    invitation = services.invitation_create(organisation=organisation, email="a@example.com", role=Role.APPROVER,
                                            invited_by=administrator)
    token = services.invitation_token(invitation)
    assert services.invitation_for_token(token) == invitation
    assert services.invitation_for_token(token[:-2] + "xx") is None

    real = time.time
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: real() + 8 * 86400))
    assert services.invitation_for_token(token) is None  # 8 days later
    monkeypatch.undo()

    admin_client.post(_members_url(organisation, "revoke", invitation_id=invitation.pk))
    assert services.invitation_for_token(token) is None
    assert admin_client.get(reverse("members:accept", args=[token])).status_code == 404


def test_someone_with_an_account_logs_in_as_the_invited_email_and_joins(client, organisation, administrator,
                                                                         outsider):
    user = outsider
    invitation = services.invitation_create(organisation=organisation, email=user.email, role=Role.APPROVER,
                                            invited_by=administrator)
    path = reverse("members:accept", args=[services.invitation_token(invitation)])

    assert client.get(path)["Location"].startswith(reverse("login"))
    client.force_login(user)
    client.post(path)

    assert Membership.objects.filter(organisation=organisation, user=user, role=Role.APPROVER).exists()


def test_roles_are_set_and_the_last_administrator_stays_one(admin_client, organisation, administrator, approver):
    member = Membership.objects.get(organisation=organisation, user=approver)
    admin_client.post(_members_url(organisation, "role", membership_id=member.pk), {"role": Role.ADMINISTRATOR})
    assert Membership.objects.get(pk=member.pk).role == Role.ADMINISTRATOR

    mine = Membership.objects.get(organisation=organisation, user=administrator)
    admin_client.post(_members_url(organisation, "role", membership_id=member.pk), {"role": Role.APPROVER})
    page = admin_client.post(_members_url(organisation, "role", membership_id=mine.pk), {"role": Role.APPROVER},
                             follow=True)
    assert "needs an administrator" in page.content.decode()
    assert Membership.objects.get(pk=mine.pk).role == Role.ADMINISTRATOR


def test_someone_bills_wait_for_cannot_be_removed_until_they_are_decided(admin_client, organisation, approver,
                                                                        create_request):
    request = create_request()
    member = Membership.objects.get(organisation=organisation, user=approver)

    page = admin_client.post(_members_url(organisation, "remove", membership_id=member.pk), follow=True)
    assert "1 open request waits for this person's decision" in html.unescape(page.content.decode())
    assert Membership.objects.filter(pk=member.pk).exists()

    ApprovalRequest.objects.filter(pk=request.pk).update(state=ApprovalRequest.State.CANCELLED)
    admin_client.post(_members_url(organisation, "remove", membership_id=member.pk))
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_a_removed_member_is_no_longer_routed_to(organisation, approver, workflow, create_request, administrator):
    Membership.objects.filter(organisation=organisation, user=approver).delete()

    request = create_request()

    assert approver.pk not in request.current_approver_ids()


def test_only_the_organisations_administrators_manage_it(client, organisation, approver, outsider):
    client.force_login(approver)
    assert client.get(_members_url(organisation)).status_code == 403
    client.force_login(outsider)
    assert client.get(_members_url(organisation)).status_code == 404
    member = Membership.objects.get(organisation=organisation, user=approver)
    assert client.post(_members_url(organisation, "remove", membership_id=member.pk)).status_code == 404
    assert Membership.objects.filter(pk=member.pk).exists()


def test_another_organisations_member_cannot_be_changed_from_this_page(admin_client, organisation):
    elsewhere = MembershipFactory()

    response = admin_client.post(_members_url(organisation, "remove", membership_id=elsewhere.pk))

    assert response.status_code == 404
    assert Membership.objects.filter(pk=elsewhere.pk).exists()


def test_a_member_already_there_is_not_invited_and_a_failed_send_is_shown(admin_client, organisation, approver,
                                                                          smtp_server):
    page = admin_client.post(_members_url(organisation, "invite"), {"email": approver.email, "role": Role.APPROVER})
    assert page.status_code == 400 and "is already a member" in page.content.decode()

    smtp_server.refuse = 1  # the server refuses the message: the invitation is kept, and the page says so
    sent = admin_client.post(_members_url(organisation, "invite"), {"email": "c@example.com", "role": Role.APPROVER},
                             follow=True)
    assert "could not be sent" in sent.content.decode()
    assert 'aria-label="Invitation link for c@example.com"' in sent.content.decode()
    assert re.search(r'value="http[^"]+/invitations/[^"]+/" aria-label="Invitation link for c@example.com"',
                     sent.content.decode())
    invitation = Invitation.objects.get(email="c@example.com")
    assert invitation.send_error and invitation.sent_at is None
    admin_client.post(_members_url(organisation, "resend", invitation_id=invitation.pk))
    assert Invitation.objects.get(pk=invitation.pk).sent_at is not None
    assert len(smtp_server.to("c@example.com")) == 1


def test_an_administrator_edits_their_workflows_in_the_admin_and_loses_it_when_no_longer_one(
        client, organisation, workflow, approver, administrator):
    member = Membership.objects.get(organisation=organisation, user=approver)
    client.force_login(approver)
    assert client.get("/admin/workflows/workflow/").status_code == 302  # not staff: to the admin's login

    services.member_role_set(organisation=organisation, membership_id=member.pk, role=Role.ADMINISTRATOR)
    assert client.get("/admin/workflows/workflow/").status_code == 200
    assert client.get(f"/admin/workflows/workflow/{workflow.pk}/change/").status_code == 200
    other = MembershipFactory(role=Role.ADMINISTRATOR)
    other_workflow = one_step_workflow(other.organisation, [other.user])
    assert client.get(f"/admin/workflows/workflow/{other_workflow.pk}/change/").status_code == 404

    services.member_role_set(organisation=organisation, membership_id=member.pk, role=Role.APPROVER)
    approver.refresh_from_db()
    assert not approver.is_staff and not approver.groups.exists()
    assert client.get("/admin/workflows/workflow/").status_code == 302


def test_someone_whose_step_is_behind_the_bill_may_be_removed(admin_client, organisation, workflow, approver,
                                                              second_approver, create_request):
    from tests.workflows.helpers import add_step
    from workflows import services as engine

    add_step(workflow, position=2, approvers=[second_approver], name="Finance")
    request = create_request()
    engine.request_approve(request_id=request.pk, user=approver)  # the bill now waits for the second step only
    member = Membership.objects.get(organisation=organisation, user=approver)

    admin_client.post(_members_url(organisation, "remove", membership_id=member.pk))

    assert not Membership.objects.filter(pk=member.pk).exists()
