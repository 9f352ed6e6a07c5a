"""The months a bill is compared within: its month, its quarter or its financial year to date."""

from datetime import date


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def year_start(on: date, starts_in: int) -> date:
    """The first day of the financial year that `on` falls in."""
    return date(on.year if on.month >= starts_in else on.year - 1, starts_in, 1)


def period_months(period: str, starts_in: int, on: date) -> list[date]:
    """The first days of the months of the period that holds `on`."""
    month = on.replace(day=1)
    if period == "month":
        return [month]
    first = year_start(month, starts_in)
    elapsed = (month.year - first.year) * 12 + month.month - first.month
    if period == "quarter":
        start = add_months(first, elapsed // 3 * 3)
        return [add_months(start, n) for n in range(3)]
    return [add_months(first, n) for n in range(elapsed + 1)]


def describe(months: list[date]) -> str:
    if len(months) == 1:
        return f"{months[0]:%B %Y}"
    return f"{months[0]:%b %Y} to {months[-1]:%b %Y}"
