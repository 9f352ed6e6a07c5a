"""Keyset pages for long lists: "after this one" instead of OFFSET, and a count that stops at a
bound, so that page 200 of 100,000 requests costs what page 1 does. Lists are ordered by
creation time and id, newest first (the request list) or oldest first (the inbox), or by another
key and id (due time, amount) when a person sorts them so."""

import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db.models import Q, QuerySet

COUNT_BOUND = 1000


@dataclass(frozen=True)
class KeysetPage:
    object_list: list
    next: str | None  # cursor of the next page: older rows newest first, newer rows oldest first
    is_first: bool
    count: int  # at most bound + 1: "more than bound"
    bound: int

    @property
    def count_is_bounded(self) -> bool:
        return self.count > self.bound


def _cursor(row, key: str) -> str:
    """The key's name, its value and the id: a cursor of another sort is not taken for this one."""
    value = getattr(row, key)
    raw = f"{key}|{value.isoformat() if isinstance(value, datetime) else value}|{row.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _value(text: str):
    """A cursor's key: a moment with its zone, or an amount."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        amount = Decimal(text)
        if not amount.is_finite():
            raise ValueError(text) from None
        return amount
    if moment.tzinfo is None:
        raise ValueError(text)
    return moment


def _position(cursor: str, key: str) -> tuple | None:
    """None for anything that is not a cursor we made for this key: the list then starts from the beginning."""
    try:
        named, value, pk = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|")
        return (_value(value), int(pk)) if named == key else None
    except (ValueError, UnicodeDecodeError, InvalidOperation):
        return None


def keyset_page(queryset: QuerySet, *, after: str = "", size: int = 50, newest_first: bool = True,
                bound: int | None = None, key: str = "created_at",
                walk: Callable[[], QuerySet] | None = None) -> KeysetPage:
    """`queryset` ordered by `key` and id (descending when `newest_first`); the rows that come
    after the cursor in that order, and their count up to `bound` (COUNT_BOUND). `key` is a
    field or annotation that is never null. `walk`, when given, makes the same rows written to be
    read in order and stop at the page; they are read from it when there are more than `bound`,
    too many to sort for every page (built only then: building it costs as much as a query)."""
    bound = COUNT_BOUND if bound is None else bound
    position = _position(after, key) if after else None
    count = queryset.order_by().values("pk")[: bound + 1].count()
    source = walk() if walk is not None and count > bound else queryset
    rows = source.order_by(*((f"-{key}", "-pk") if newest_first else (key, "pk")))
    if position is not None:
        value, pk = position
        beyond, reach = ("lt", "lte") if newest_first else ("gt", "gte")
        # `reach` says nothing that `beyond` does not; it is there because an index can start
        # from it, where it cannot from an OR: page 200 then reads what page 1 reads.
        rows = rows.filter(Q(**{f"{key}__{reach}": value}),
                           Q(**{f"{key}__{beyond}": value}) | Q(**{key: value, f"pk__{beyond}": pk}))
    found = list(rows[: size + 1])
    return KeysetPage(object_list=found[:size], next=_cursor(found[size - 1], key) if len(found) > size else None,
                      is_first=position is None, count=count, bound=bound)  # fmt: skip
