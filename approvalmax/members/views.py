"""Administrators manage their organisation's members on our own pages, without being superusers:
invite by email, set roles, remove; and the invited person's page that accepts the invitation."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from approvalmax.core.models import Membership
from approvalmax.core.selectors import organisation_for_administrator
from approvalmax.members import services
from approvalmax.members.forms import InviteForm, JoinForm, RoleForm
from approvalmax.members.models import Invitation

MANAGES = "its members"


def _page(request: HttpRequest, organisation, *, invite_form=None, status=200) -> HttpResponse:
    members = (Membership.objects.filter(organisation=organisation).select_related("user")
               .order_by("user__first_name", "user__last_name", "user__username"))
    invitations = list(Invitation.objects.filter(organisation=organisation, accepted_at=None, revoked_at=None))
    for invitation in invitations:
        invitation.link = services.invitation_url(invitation)  # to pass on by hand when the email did not go
    return render(request, "members/members.html", {
        "organisation": organisation, "members": members, "invitations": invitations,
        "invite_form": invite_form or InviteForm(), "roles": Membership.Role.choices,
    }, status=status)


@require_safe
@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    return _page(request, organisation_for_administrator(user=request.user, slug=slug, manages=MANAGES))


@require_POST
@login_required
def invite(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_for_administrator(user=request.user, slug=slug, manages=MANAGES)
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _page(request, organisation, invite_form=form, status=400)
    try:
        invitation = services.invitation_create(organisation=organisation, email=form.cleaned_data["email"],
                                                role=form.cleaned_data["role"], invited_by=request.user)
    except services.MembersRefused as refused:
        form.add_error("email", refused.message)
        return _page(request, organisation, invite_form=form, status=400)
    _sent(request, invitation)
    return redirect("members:members", slug=slug)


def _sent(request: HttpRequest, invitation: Invitation) -> None:
    if services.invitation_send(invitation):
        messages.success(request, f"Invitation sent to {invitation.email}.")
    else:
        invitation.refresh_from_db()
        messages.error(request, f"The invitation to {invitation.email} is saved, but the email could not be sent "
                                f"({invitation.send_error}). Send it again, or pass on its link yourself.")


@require_POST
@login_required
def resend(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    organisation = organisation_for_administrator(user=request.user, slug=slug, manages=MANAGES)
    invitation = Invitation.objects.filter(organisation=organisation, pk=invitation_id, accepted_at=None,
                                           revoked_at=None).select_related("organisation", "invited_by").first()
    if invitation is None:
        messages.error(request, "That invitation has been used or withdrawn.")
    else:
        _sent(request, invitation)
    return redirect("members:members", slug=slug)


@require_POST
@login_required
def revoke(request: HttpRequest, slug: str, invitation_id: int) -> HttpResponse:
    organisation = organisation_for_administrator(user=request.user, slug=slug, manages=MANAGES)
    services.invitation_revoke(organisation=organisation, invitation_id=invitation_id)
    messages.success(request, "Invitation withdrawn: its link no longer works.")
    return redirect("members:members", slug=slug)


def _member_change(request: HttpRequest, slug: str, change, done: str) -> HttpResponse:
    organisation = organisation_for_administrator(user=request.user, slug=slug, manages=MANAGES)
    try:
        change(organisation)
    except services.MembersRefused as refused:
        if refused.status_code == 404:
            raise Http404(refused.message) from refused
        messages.error(request, refused.message)
        return redirect("members:members", slug=slug)
    messages.success(request, done)
    return redirect("members:members", slug=slug)


@require_POST
@login_required
def role(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose one of the roles.")
        return redirect("members:members", slug=slug)
    return _member_change(request, slug, lambda organisation: services.member_role_set(
        organisation=organisation, membership_id=membership_id, role=form.cleaned_data["role"]), "Role changed.")


@require_POST
@login_required
def remove(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    return _member_change(request, slug, lambda organisation: services.member_remove(
        organisation=organisation, membership_id=membership_id),
        "Removed: they no longer see or decide this organisation's requests.")


@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link in the invitation: a new person creates their account here; someone who already
    has one logs in (as the invited email) and joins."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "members/invitation_invalid.html", status=404)
    if request.user.is_authenticated:
        if request.user.email.lower() != invitation.email:
            return render(request, "members/invitation_other.html", {"invitation": invitation}, status=403)
        if request.method == "POST":
            services.invitation_accept(invitation=invitation, user=request.user)
            messages.success(request, f"You joined {invitation.organisation.name}.")
            return redirect("workflows:inbox")
        return render(request, "members/invitation.html", {"invitation": invitation})
    has_account = services.account_exists(invitation.email)
    if has_account:
        return redirect_to_login(request.get_full_path())
    form = JoinForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create_for_invitation(
                invitation=invitation, first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"], password=form.cleaned_data["password1"])
        except services.MembersRefused as refused:
            form.add_error(None, refused.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome: you joined {invitation.organisation.name}.")
            return redirect("workflows:inbox")
    return render(request, "members/invitation.html", {"invitation": invitation, "form": form},
                  status=400 if form.errors else 200)
