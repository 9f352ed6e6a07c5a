"""Members of an organisation, managed by its administrators: invitations sent, accepted and
revoked; roles set; members removed. Each refuses, saying why, what would leave the organisation
without an administrator or leave bills waiting for someone who can no longer decide them."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from approvalmax.core.exceptions import ApplicationError
from approvalmax.core.models import Membership, Organisation
from approvalmax.members.models import Invitation
from approvalmax.notifications import mail

SALT = "members.invitation"
VALID_DAYS = 7
Role = Membership.Role


class MembersRefused(ApplicationError):
    pass


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk}, salt=SALT)


def invitation_for_token(token: str) -> Invitation | None:
    """The pending invitation a link names; None when altered, expired, used or revoked."""
    try:
        data = signing.loads(token, salt=SALT, max_age=VALID_DAYS * 86400)
    except signing.BadSignature:
        return None
    invitation = Invitation.objects.select_related("organisation").filter(pk=data.get("i")).first()
    return invitation if invitation is not None and invitation.is_pending else None


def invitation_url(invitation: Invitation) -> str:
    return settings.PUBLIC_BASE_URL + reverse("members:accept", args=[invitation_token(invitation)])


def invitation_create(*, organisation: Organisation, email: str, role: str, invited_by) -> Invitation:
    email = email.strip().lower()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise MembersRefused(f"{email} is already a member of {organisation.name}.", fields={"email": "Already a member."})
    for older in Invitation.objects.filter(organisation=organisation, email=email, accepted_at=None, revoked_at=None):
        _revoked(older)  # a new invitation replaces an older one
    return Invitation.objects.create(organisation=organisation, email=email, role=role, invited_by=invited_by)


def invitation_send(invitation: Invitation) -> bool:
    """Mail the link, outside any transaction; the row says when it went or why it did not."""
    inviter = invitation.invited_by
    context = {"invitation": invitation, "url": invitation_url(invitation), "days": VALID_DAYS,
               "inviter": (inviter.get_full_name() or inviter.get_username()) if inviter else "An administrator"}
    email = EmailMultiAlternatives(
        subject=f"Join {invitation.organisation.name} on ApprovalMax",
        body=render_to_string("members/invitation_email.txt", context), from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.email], headers={"Auto-Submitted": "auto-generated"})
    email.attach_alternative(render_to_string("members/invitation_email.html", context), "text/html")
    try:
        mail.send(email)
    except Exception as error:  # the SMTP server refused or could not be reached: shown, sent again on demand
        Invitation.objects.filter(pk=invitation.pk).update(send_error=str(error)[:500])
        return False
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now(), send_error="")
    return True


def _revoked(invitation: Invitation) -> None:
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])  # saved, not updated: the change joins the audit trail


def invitation_revoke(*, organisation: Organisation, invitation_id: int) -> None:
    invitation = Invitation.objects.filter(organisation=organisation, pk=invitation_id, accepted_at=None,
                                           revoked_at=None).first()
    if invitation is not None:
        _revoked(invitation)


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """The invited person joins with the invitation's role (an existing member keeps their role)."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.is_pending:
        raise MembersRefused("This invitation has been used or withdrawn.")
    membership, _ = Membership.objects.get_or_create(organisation=locked.organisation, user=user,
                                                     defaults={"role": locked.role})
    locked.accepted_at, locked.accepted_by = timezone.now(), user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    return membership


@transaction.atomic
def user_create_for_invitation(*, invitation: Invitation, first_name: str, last_name: str, password: str):
    """A new person's account, named by the invitation's email, and their membership."""
    User = get_user_model()
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise MembersRefused("Someone already has an account with this email: log in to accept the invitation.")
    user = User.objects.create_user(username=invitation.email, email=invitation.email, password=password,
                                    first_name=first_name, last_name=last_name)
    invitation_accept(invitation=invitation, user=user)
    return user


def _locked_members(organisation: Organisation):
    return Membership.objects.select_for_update().filter(organisation=organisation)


def _waiting_for(membership: Membership) -> int:
    from workflows.selectors import requests_awaiting

    return requests_awaiting(organisation_id=membership.organisation_id, user_id=membership.user_id).count()


@transaction.atomic
def member_role_set(*, organisation: Organisation, membership_id: int, role: str) -> Membership:
    members = list(_locked_members(organisation))
    membership = next((m for m in members if m.pk == membership_id), None)
    if membership is None:
        raise MembersRefused("No such member.", status_code=404)
    admins = [m for m in members if m.role == Role.ADMINISTRATOR]
    if membership.role == Role.ADMINISTRATOR and role != Role.ADMINISTRATOR and len(admins) == 1:
        raise MembersRefused(f"{organisation.name} needs an administrator: make someone else one first.")
    if role == Role.AUDITOR and (count := _waiting_for(membership)):
        raise MembersRefused(f"{count} open request{'s wait' if count != 1 else ' waits'} for this person's "
                             f"decision, and auditors decide nothing: decide or reassign them first.")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def member_remove(*, organisation: Organisation, membership_id: int) -> None:
    members = list(_locked_members(organisation))
    membership = next((m for m in members if m.pk == membership_id), None)
    if membership is None:
        raise MembersRefused("No such member.", status_code=404)
    if membership.role == Role.ADMINISTRATOR and sum(m.role == Role.ADMINISTRATOR for m in members) == 1:
        raise MembersRefused(f"{organisation.name} needs an administrator: make someone else one first.")
    if count := _waiting_for(membership):
        raise MembersRefused(f"{count} open request{'s wait' if count != 1 else ' waits'} for this person's "
                             f"decision: decide or reassign them first (an administrator may override).")
    membership.delete()


def account_exists(email: str) -> bool:
    return get_user_model().objects.filter(email__iexact=email).exists()
