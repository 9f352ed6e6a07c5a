"""Finding requests in the inbox and the request list: search (supplier, number, line
descriptions), filters (amount, date, state, overdue) and sort (oldest, newest, due, amount),
from one form that both lists share; the same filters give the CSV export."""

from datetime import datetime
from datetime import timezone as dt_timezone

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from workflows.models import ApprovalRequest, RequestLine

# The key each sort pages by, and whether it runs high to low. "Due" puts requests without a
# deadline last, at the end of time.
SORTS = {"oldest": ("created_at", False), "newest": ("created_at", True), "due": ("due_key", False),
         "amount": ("total", True)}
NO_DEADLINE = datetime(9999, 12, 31, tzinfo=dt_timezone.utc)
# The lists' page cursors: the inbox's "after", the request list's "older".
CURSOR_PARAMETERS = ("after", "older")


class SearchForm(forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=200,
                        help_text="Supplier, bill number or a line's description.")
    state = forms.ChoiceField(label="State", required=False, choices=[("", "All states"), *ApprovalRequest.State.choices])
    min_total = forms.DecimalField(label="Total from", required=False, max_digits=14, decimal_places=2)
    max_total = forms.DecimalField(label="Total up to", required=False, max_digits=14, decimal_places=2)
    date_from = forms.DateField(label="Dated from", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="Dated up to", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    overdue = forms.BooleanField(label="Overdue only", required=False)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=[
        ("oldest", "Oldest first"), ("newest", "Newest first"), ("due", "Due soonest"), ("amount", "Largest first")])

    def __init__(self, *args, with_state: bool = True, default_sort: str = "oldest", **kwargs):
        super().__init__(*args, **kwargs)
        self.default_sort = default_sort
        if not with_state:
            del self.fields["state"]

    def clean(self):
        data = super().clean()
        low, high = data.get("min_total"), data.get("max_total")
        if low is not None and high is not None and low > high:
            self.add_error("max_total", "Must not be below the total from.")
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "Must not be before the date from.")
        return data

    @property
    def narrows(self) -> bool:
        """Whether valid filters leave out some of the list (a sort or a page cursor does not)."""
        return self.is_bound and self.is_valid() and any(
            value not in (None, "") and value is not False  # a total from 0 narrows: 0 == False
            for name, value in self.cleaned_data.items() if name != "sort")

    @property
    def sort_key(self) -> tuple[str, bool]:
        chosen = (self.cleaned_data.get("sort") if self.is_bound and self.is_valid() else "") or self.default_sort
        return SORTS[chosen]


def searched(requests: QuerySet[ApprovalRequest], form: SearchForm) -> QuerySet[ApprovalRequest]:
    """The requests the form's valid filters leave; all of them when it has none (or is invalid)."""
    requests = requests.annotate(due_key=Coalesce("step_due_at", Value(NO_DEADLINE)))
    if not form.is_bound or not form.is_valid():
        return requests
    data = form.cleaned_data
    if data.get("q"):
        text = data["q"].strip()
        described = RequestLine.objects.filter(request=OuterRef("pk"), revision=OuterRef("revision"),
                                               description__icontains=text)
        requests = requests.filter(Q(supplier_name__icontains=text) | Q(invoice_number__icontains=text)
                                   | Exists(described))
    for name, lookup in (("state", "state"), ("min_total", "total__gte"), ("max_total", "total__lte"),
                         ("date_from", "date__gte"), ("date_to", "date__lte")):
        if data.get(name) not in (None, ""):
            requests = requests.filter(**{lookup: data[name]})
    if data.get("overdue"):
        requests = requests.filter(state__in=ApprovalRequest.OPEN_STATES, step_due_at__lte=timezone.now())
    return requests


def query_without_cursor(params) -> str:
    """The list's query string for its page links: the filters, without the page cursor."""
    kept = params.copy()
    for name in CURSOR_PARAMETERS:
        kept.pop(name, None)
    return kept.urlencode()

