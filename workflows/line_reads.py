"""A revision's lines with their coding, read for pages and reports that show every line."""

from collections import defaultdict

from approvalmax.core.models import TrackingCategory, TrackingOption
from workflows.models import ApprovalRequest, RequestLine


def lines_with_coding(request: ApprovalRequest) -> list[RequestLine]:
    """The current revision's lines in order, with account, tax rate and tracking options (and their
    categories): two queries whatever the number of lines. `line.tracking.all()` then reads no more."""
    lines = list(RequestLine.objects.filter(request=request, revision=request.revision)
                 .select_related("account", "tax_rate").order_by("position"))  # fmt: skip
    attach_tracking(lines)
    return lines


def attach_tracking(lines: list[RequestLine]) -> None:
    """Give each line its tracking options (by category name) as prefetch_related would, in one
    query. Django's prefetch makes three instances and a filtered queryset a line, which on a bill
    of 200 lines cost more than reading them; here lines share one instance of each option."""
    option_fields = [field.attname for field in TrackingOption._meta.concrete_fields]
    category_fields = [field.attname for field in TrackingCategory._meta.concrete_fields]
    rows = (RequestLine.tracking.through.objects.filter(requestline_id__in=[line.pk for line in lines])
            .order_by("trackingoption__category__name", "pk")
            .values_list("requestline_id", *(f"trackingoption__{name}" for name in option_fields),
                         *(f"trackingoption__category__{name}" for name in category_fields)))  # fmt: skip
    db, cut = rows.db, 1 + len(option_fields)
    shared: dict[int, TrackingOption] = {}
    options: dict[int, list[TrackingOption]] = defaultdict(list)
    for row in rows:
        option = shared.get(row[1])
        if option is None:
            option = shared[row[1]] = TrackingOption.from_db(db, option_fields, row[1:cut])
            option.category = TrackingCategory.from_db(db, category_fields, row[cut:])
        options[row[0]].append(option)
    cache_name, unfiltered = RequestLine.tracking.field.name, TrackingOption.objects.all()
    for line in lines:
        # Querysets clone their query before changing it, so the lines may share one.
        held = type(unfiltered)(model=TrackingOption, query=unfiltered.query)
        held._result_cache = options.get(line.pk, [])
        held._prefetch_done = True
        line._prefetched_objects_cache = {cache_name: held}
