"""The bell's pages: notifications, and how each person wants to hear from each organisation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from approvalmax.core.models import Membership
from approvalmax.core.selectors import organisation_for_administrator
from approvalmax.notifications import mail, selectors, services
from approvalmax.notifications.forms import OrganisationTimeForm, PreferenceForm
from approvalmax.notifications.models import Delivery, Notification, Preference


@login_required
@require_safe
def notification_list(request: HttpRequest) -> HttpResponse:
    before = request.GET.get("before", "")
    rows = selectors.notifications_page(user=request.user, before=int(before) if before.isdigit() else None)
    more = len(rows) > selectors.PAGE
    rows = rows[:selectors.PAGE]
    return render(request, "notifications/list.html",
                  {"notifications": rows, "older": rows[-1].pk if more else None})


@login_required
@require_safe
def notification_open(request: HttpRequest, notification_id: int) -> HttpResponse:
    try:
        notification = services.notification_open(notification_id=notification_id, user=request.user)
    except Notification.DoesNotExist as exc:
        raise Http404("No such notification.") from exc
    return redirect(notification.url or "notifications:list")


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read.")
    return redirect("notifications:list")


def _form_for(preference: Preference | None, data=None, prefix: str = "") -> PreferenceForm:
    initial = {"delivery": Delivery.EACH, "digest_hour": 8, "time_zone": ""}
    if preference is not None:
        initial = {"delivery": preference.delivery, "digest_hour": preference.digest_hour,
                   "time_zone": preference.time_zone}
    return PreferenceForm(data, initial=initial, prefix=prefix)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    rows = selectors.preferences_for(user=request.user)
    forms = []
    status = 200
    for membership, preference in rows:
        prefix = f"o{membership.organisation_id}"
        data = request.POST if request.method == "POST" and request.POST.get("organisation") == str(
            membership.organisation_id) else None
        form = _form_for(preference, data, prefix)
        if data is not None:
            if form.is_valid():
                services.preference_set(user=request.user, organisation_id=membership.organisation_id,
                                        **form.cleaned_data)
                messages.success(request, f"Saved how {membership.organisation.name} emails you.")
                return redirect("notifications:preferences")
            status = 400
        forms.append((membership, form))
    return render(request, "notifications/preferences.html", {"forms": forms}, status=status)


@csrf_exempt  # RFC 8058 one-click unsubscribe posts without a session; the signed link authorises it
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """From an email's footer or its List-Unsubscribe header: stop the organisation's emails to
    this one person (failures administrators must hear of still come)."""
    try:
        user_id, organisation_id = mail.unsubscribe_read(token)
    except signing.BadSignature:
        return render(request, "error.html", {"title": "This link is not valid",
                                              "message": "The link was changed or cut short. Open it from the email "
                                                         "again, or sign in and choose on your preferences page."},
                      status=400)  # fmt: skip
    membership = Membership.objects.filter(user_id=user_id, organisation_id=organisation_id) \
        .select_related("organisation", "user").first()
    if membership is None:
        raise Http404("No such membership.")
    if request.method == "POST":
        services.preference_set(user=membership.user, organisation_id=organisation_id, delivery=Delivery.NONE)
        return render(request, "notifications/unsubscribed.html", {"membership": membership})
    return render(request, "notifications/unsubscribe.html", {"membership": membership})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def organisation_time(request: HttpRequest, slug: str) -> HttpResponse:
    """Administrators: the working week deadlines count in, reminders, and how long email links work."""
    organisation = organisation_for_administrator(user=request.user, slug=slug, manages="its working week")
    form = OrganisationTimeForm(request.POST if request.method == "POST" else None, instance=organisation)
    if request.method == "POST":
        if form.is_valid():
            services.organisation_time_set(organisation=organisation, **form.cleaned_data)
            messages.success(request, f"Saved {organisation.name}'s working week and reminders.")
            return redirect("notifications:organisation", slug=slug)
        organisation.refresh_from_db()
    return render(request, "notifications/organisation.html", {"organisation": organisation, "form": form},
                  status=400 if form.errors else 200)
