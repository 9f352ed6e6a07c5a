"""Administrators: how bills in other currencies are converted, and the organisation's rate table."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from approvalmax.core import accounting
from approvalmax.core.accounting_reads import read_now
from approvalmax.core.exceptions import ApplicationError
from approvalmax.core.selectors import organisation_for_administrator
from approvalmax.currencies import services
from approvalmax.currencies.forms import PolicyForm, RateForm
from approvalmax.currencies.models import ExchangeRate

MANAGES = "its exchange rates"
SHOWN = 200


def _page(request, organisation, *, policy_form=None, rate_form=None, status=200) -> HttpResponse:
    policy = services.policy_for(organisation)
    rates = ExchangeRate.objects.filter(organisation=organisation).order_by("currency", "-on", "source")[:SHOWN]
    return render(request, "currencies/rates.html", {
        "organisation": organisation, "policy": policy, "rates": rates,
        "system": accounting.system_for(organisation.pk), "Source": ExchangeRate.Source,
        "policy_form": policy_form or PolicyForm(instance=policy), "rate_form": rate_form or RateForm()},
        status=status)


@require_http_methods(["GET", "POST"])
@login_required
def rates(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_for_administrator(user=request.user, slug=slug, manages=MANAGES)
    if request.method == "GET":
        return _page(request, organisation)
    form = PolicyForm(request.POST, instance=services.policy_for(organisation))
    if not form.is_valid():
        return _page(request, organisation, policy_form=form, status=400)
    form.save()
    messages.success(request, "Saved how bills in other currencies are converted.")
    return redirect("currencies:rates", slug=slug)


@require_POST
@login_required
def rate_add(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_for_administrator(user=request.user, slug=slug, manages=MANAGES)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            saved = services.rate_add(organisation=organisation, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error("currency", exc.message)
        else:
            messages.success(request, f"Saved: {saved}.")
            return redirect("currencies:rates", slug=slug)
    return _page(request, organisation, rate_form=form, status=400)


@require_POST
@login_required
def rate_delete(request: HttpRequest, slug: str, rate_id: int) -> HttpResponse:
    organisation = organisation_for_administrator(user=request.user, slug=slug, manages=MANAGES)
    try:
        services.rate_delete(organisation=organisation, rate_id=rate_id)
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    messages.success(request, "The rate was removed; bills already converted keep the rate recorded on them.")
    return redirect("currencies:rates", slug=slug)


@require_POST
@login_required
def rates_sync_now(request: HttpRequest, slug: str) -> HttpResponse:
    from approvalmax.currencies.tasks import sync

    organisation = organisation_for_administrator(user=request.user, slug=slug, manages=MANAGES)
    wanted = services.policy_for(organisation).source == ExchangeRate.Source.ACCOUNTING
    return read_now(request, organisation, wanted=wanted, task=sync, what="exchange rates", page="currencies:rates")
