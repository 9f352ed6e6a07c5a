"""Keyset pages for long lists: "after this one" instead of OFFSET, and a count that stops at a
bound, so that page 200 of 100,000 requests costs what page 1 does. Lists are ordered by
creation time and id, newest first (the request list) or oldest first (the inbox)."""

import base64
from dataclasses import dataclass
from datetime import datetime

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


def _cursor(row) -> str:
    raw = f"{row.created_at.isoformat()}|{row.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _position(cursor: str) -> tuple[datetime, int] | None:
    """None for anything that is not a cursor we made: the list then starts from the beginning."""
    try:
        created_at, pk = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().split("|")
        moment = datetime.fromisoformat(created_at)
        return (moment, int(pk)) if moment.tzinfo else None
    except (ValueError, UnicodeDecodeError):
        return None


def keyset_page(queryset: QuerySet, *, after: str = "", size: int = 50, newest_first: bool = True,
                bound: int | None = None) -> KeysetPage:
    """`queryset` ordered by creation time and id (descending when `newest_first`); the rows
    that come after the cursor in that order, and their count up to `bound` (COUNT_BOUND)."""
    bound = COUNT_BOUND if bound is None else bound
    position = _position(after) if after else None
    rows = queryset.order_by(*(("-created_at", "-pk") if newest_first else ("created_at", "pk")))
    if position is not None:
        created_at, pk = position
        rows = rows.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk)) if newest_first \
            else rows.filter(Q(created_at__gt=created_at) | Q(created_at=created_at, pk__gt=pk))
    found = list(rows[: size + 1])
    count = queryset.order_by().values("pk")[: bound + 1].count()
    return KeysetPage(object_list=found[:size], next=_cursor(found[size - 1]) if len(found) > size else None,
                      is_first=position is None, count=count, bound=bound)  # fmt: skip
