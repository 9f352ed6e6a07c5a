"""The two lists of requests, searchable and sortable: what waits for me (the inbox), and every
request of my organisations, with the latter's export as CSV."""

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from approvalmax.core.selectors import memberships_of
from workflows import selectors
from workflows.models import ApprovalRequest
from workflows.pagination import keyset_page
from workflows.search import SearchForm, query_without_cursor, searched

REQUESTS_PER_PAGE = 50
# An export is what an auditor reads in a spreadsheet, not a backup: bounded.
EXPORT_MOST = 10_000


def _page(queryset, form: SearchForm, cursor: str, walk=None, **options):
    key, descending = form.sort_key
    return keyset_page(searched(queryset, form), after=cursor, key=key, newest_first=descending,
                       walk=None if walk is None else lambda: searched(walk(), form), **options)


def inbox_page(request: HttpRequest, form: SearchForm, cursor: str):
    """A page of what waits for the signed-in person."""
    joined, walked = selectors.inbox_joined_and_walked(user=request.user, memberships=memberships_of(request))
    return _page(joined, form, cursor, walk=walked, size=REQUESTS_PER_PAGE, bound=selectors.INBOX_COUNT_BOUND)


@require_safe
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None, with_state=False, default_sort="oldest")
    page = inbox_page(request, form, request.GET.get("after", ""))
    if not form.narrows:
        # Unfiltered, the page counted what the navigation's badge counts: it need not count again.
        request.waiting_counted = page.count
    return render(request, "workflows/inbox.html", {"page": page, "form": form, "searching": bool(request.GET),
                                                    "query": query_without_cursor(request.GET)},
                  status=400 if form.errors else 200)


@require_safe
@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None, default_sort="newest")
    state = form.cleaned_data.get("state", "") if form.is_bound and form.is_valid() else ""
    page = _page(selectors.request_list_for_user(user=request.user), form, request.GET.get("older", ""),
                 size=REQUESTS_PER_PAGE)
    context = {"form": form, "page": page, "state": state, "searching": bool(request.GET),
               "state_label": ApprovalRequest.State(state).label if state else "",
               "query": query_without_cursor(request.GET)}
    return render(request, "workflows/request_list.html", context, status=400 if form.errors else 200)


COLUMNS = ["Organisation", "Supplier", "Number", "Kind", "Date", "Due date", "Currency", "Total", "Total in base currency",
           "State", "Current step", "Submitted", "In the accounting system", "Link"]


def _row(item: ApprovalRequest) -> list:
    return [item.organisation.name, item.supplier_name, item.invoice_number, item.get_kind_display(), item.date,
            item.due_date or "", item.currency, item.total, "" if item.base_total is None else item.base_total,
            item.get_state_display(), item.current_step.name if item.current_step else "",
            item.submitted_at.isoformat(timespec="seconds"), item.external_url,
            selectors.request_page_url(request=item)]


class _Echo:
    def write(self, value):
        return value


@require_safe
@login_required
def request_export(request: HttpRequest) -> HttpResponse:
    """The request list as it is filtered and sorted, as CSV (at most EXPORT_MOST rows), streamed."""
    form = SearchForm(request.GET or None, default_sort="newest")
    if form.is_bound and not form.is_valid():
        return HttpResponse("The filters are not valid: " + "; ".join(
            f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()), status=400,
            content_type="text/plain; charset=utf-8")
    key, descending = form.sort_key
    rows = searched(selectors.request_list_for_user(user=request.user), form) \
        .order_by(*((f"-{key}", "-pk") if descending else (key, "pk")))[:EXPORT_MOST]
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(COLUMNS)
        for item in rows.iterator(chunk_size=2000):
            yield writer.writerow(_row(item))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="requests.csv"'
    return response
