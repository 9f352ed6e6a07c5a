"""A revision's lines with their coding, read for pages and reports that show every line."""

from django.db.models import F

from approvalmax.core.models import TrackingCategory, TrackingOption
from workflows.models import ApprovalRequest, RequestLine

OPTION_FIELDS = [field.attname for field in TrackingOption._meta.concrete_fields]
CATEGORY_FIELDS = [field.attname for field in TrackingCategory._meta.concrete_fields]


def lines_with_coding(request: ApprovalRequest) -> list[RequestLine]:
    """The current revision's lines in order, with account, tax rate and tracking options (and their
    categories) in one query whatever the number of lines: a row a line and option, the lines'
    options joined in. `line.tracking.all()` then reads no more; `line.tracking_options` is the
    same list, for loops over hundreds of lines that need not build a manager a line.

    prefetch_related would take a second query and build three instances and a filtered queryset
    a line: on a bill of 200 lines that cost more than reading them. Here lines share one
    instance of each option."""
    rows = (RequestLine.objects.filter(request=request, revision=request.revision)
            .select_related("account", "tax_rate")
            .annotate(**{f"option_{name}": F(f"tracking__{name}") for name in OPTION_FIELDS},
                      **{f"category_{name}": F(f"tracking__category__{name}") for name in CATEGORY_FIELDS})
            .order_by("position", "pk", "tracking__category__name", "tracking__pk"))  # fmt: skip
    lines: dict[int, RequestLine] = {}
    options: dict[int, list[TrackingOption]] = {}
    shared: dict[int, TrackingOption] = {}
    for row in rows:
        line = lines.setdefault(row.pk, row)
        held = options.setdefault(line.pk, [])
        values = [row.__dict__.pop(f"option_{name}") for name in OPTION_FIELDS]
        category = [row.__dict__.pop(f"category_{name}") for name in CATEGORY_FIELDS]
        if values[0] is None:
            continue  # a line without tracking
        option = shared.get(values[0])
        if option is None:
            option = shared[values[0]] = TrackingOption.from_db(rows.db, OPTION_FIELDS, values)
            option.category = TrackingCategory.from_db(rows.db, CATEGORY_FIELDS, category)
        held.append(option)
    _hold_tracking(lines.values(), options)
    return list(lines.values())


def _hold_tracking(lines, options: dict[int, list[TrackingOption]]) -> None:
    """Give each line its options where prefetch_related would have put them: a queryset holding
    them, which a further `.filter()` narrows to those options. Lines with the same options share
    one (querysets clone their query before changing it), so a bill builds a handful, not 200."""
    cache_name, by_options, kind = RequestLine.tracking.field.name, {}, type(TrackingOption.objects.all())
    for line in lines:
        held = options.get(line.pk, [])
        key = tuple(option.pk for option in held)
        if key not in by_options:
            by_options[key] = TrackingOption.objects.filter(pk__in=key).query if key else TrackingOption.objects.none().query
        queryset = kind(model=TrackingOption, query=by_options[key])
        queryset._result_cache, queryset._prefetch_done = held, True
        line._prefetched_objects_cache = {cache_name: queryset}
        line.tracking_options = held
