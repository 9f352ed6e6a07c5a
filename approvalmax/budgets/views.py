"""Administrators: where the organisation's budgets come from, how bills are compared with them,
an upload, a sync on demand, and the current budgets as a file to edit and upload again."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max, Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from approvalmax.budgets import services
from approvalmax.budgets.forms import PolicyForm, UploadForm
from approvalmax.budgets.models import Budget, BudgetPolicy
from approvalmax.budgets.upload import UploadRefused
from approvalmax.core import accounting
from approvalmax.core.accounting_reads import read_now
from approvalmax.core.models import Account
from approvalmax.core.selectors import organisation_for_administrator

MANAGES = "its budgets"


def _page(request: HttpRequest, organisation, *, policy_form=None, upload_form=None, problems=(), status=200):
    policy = services.policy_for(organisation)
    system = accounting.system_for(organisation.pk)
    summary = Budget.objects.filter(organisation=organisation).aggregate(
        count=Count("pk"), first=Min("month"), last=Max("month"))
    return render(request, "budgets/budgets.html", {
        "organisation": organisation, "policy": policy, "system": system, "summary": summary,
        "policy_form": policy_form or PolicyForm(instance=policy), "upload_form": upload_form or UploadForm(),
        "problems": problems, "Origin": BudgetPolicy.Origin}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def budgets(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_for_administrator(user=request.user, slug=slug, manages=MANAGES)
    if request.method == "GET":
        return _page(request, organisation)
    form = PolicyForm(request.POST, instance=services.policy_for(organisation))
    if not form.is_valid():
        return _page(request, organisation, policy_form=form, status=400)
    services.policy_set(organisation=organisation, **form.cleaned_data)
    messages.success(request, "Saved how bills are compared with the budgets.")
    return redirect("budgets:budgets", slug=slug)


@require_POST
@login_required
def budgets_upload(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = organisation_for_administrator(user=request.user, slug=slug, manages=MANAGES)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, organisation, upload_form=form, status=400)
    upload = form.cleaned_data["file"]
    try:
        count = services.budgets_upload(organisation=organisation, data=upload.read(), filename=upload.name)
    except UploadRefused as refused:
        return _page(request, organisation, upload_form=form, problems=refused.problems, status=400)
    messages.success(request, f"Loaded {count} monthly budget figures from {upload.name}; the earlier budgets are "
                              "replaced.")
    return redirect("budgets:budgets", slug=slug)


@require_POST
@login_required
def budgets_sync_now(request: HttpRequest, slug: str) -> HttpResponse:
    from approvalmax.budgets.tasks import sync

    organisation = organisation_for_administrator(user=request.user, slug=slug, manages=MANAGES)
    wanted = services.policy_for(organisation).origin == BudgetPolicy.Origin.ACCOUNTING
    return read_now(request, organisation, wanted=wanted, task=sync, what="budgets", page="budgets:budgets")


@require_safe
@login_required
def budgets_file(request: HttpRequest, slug: str) -> HttpResponse:
    """The current budgets in the upload's layout (every expense account when there are none yet)."""
    organisation = organisation_for_administrator(user=request.user, slug=slug, manages=MANAGES)
    rows = Budget.objects.filter(organisation=organisation).select_related("account", "tracking_option__category")
    months = sorted({row.month for row in rows})
    table: dict[tuple, dict] = {}
    for row in rows:
        option = row.tracking_option
        key = (row.account.code, option.category.name if option else "", option.name if option else "")
        table.setdefault(key, {})[row.month] = row.amount
    if not table:
        for code in Account.objects.active().filter(organisation=organisation).exclude(type="BANK") \
                .order_by("code").values_list("code", flat=True):
            table[(code, "", "")] = {}
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="budgets-{organisation.slug}.csv"'
    writer = csv.writer(response)
    writer.writerow(["Account code", "Tracking category", "Tracking option", *[f"{m:%Y-%m}" for m in months]])
    for key in sorted(table):
        writer.writerow([*key, *[table[key].get(m, "") for m in months]])
    return response
