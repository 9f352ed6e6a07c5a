"""What a new request is built from, as a process last read it, kept while its organisation's
data-version token stays the same: master data, the published workflow, its routing, members.

The token (`DataVersion`) changes in the same transaction as any change to those, whoever
makes it, so a reader that fetched the token with its first query reads nothing older than
that query could have. Each process keeps its own small store: a hit costs no round trip.
The Dext push fetches the token with its key, and a request's page with the request (the
coding its lines show, its workflow's steps); every other reader passes no token and reads the
database as before.

Never hold a row the reading transaction wrote itself: it could still be rolled back, and the
next push would code a bill with it.

Whole records (`held_whole`: a request's lines, decisions, trail… as its page shows them) are kept
under a version of their own as well, which the database changes with any of their rows, read
with the token (`unless_written` gives none to a transaction that has written)."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable

from django.db import connection
from django.db.models import BooleanField, Case, Expression, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.expressions import RawSQL

from approvalmax.core.models import DataVersion, Organisation

# Organisations a process keeps, and entries each: a push names a handful of codes.
MOST_ORGANISATIONS = 500
MOST_ENTRIES = 5_000
# Whole records (a request's lines, decisions…), each kept under a version of its own too: the
# pages last read, up to so many rows in all (a 200-line bill's record takes about 0.5 MB).
MOST_WHOLE_ROWS = 5_000
TOKEN_ATTRIBUTE = "data_version_token"

_held: OrderedDict[int, tuple[str, dict]] = OrderedDict()
_wholes: OrderedDict[Hashable, tuple[tuple[str, str], object, int]] = OrderedDict()
_whole_rows = 0
_lock = threading.Lock()  # the demo's runserver answers in threads
_UNREAD = object()


def with_token(queryset: QuerySet) -> QuerySet:
    """The queryset with each row's organisation's token as `data_version_token`, in the same query."""
    token = DataVersion.objects.filter(organisation_id=OuterRef("organisation_id")).values("token")[:1]
    return queryset.annotate(**{TOKEN_ATTRIBUTE: Subquery(token)})


def unless_written(expression: Expression) -> Expression:
    """`expression`, or '' when the reading transaction has written anything (a version to keep
    what it reads under: what it wrote could still be rolled back, and the database does not
    change a version twice in one transaction). SQLite's triggers always do."""
    if connection.vendor != "postgresql":
        return expression
    unwritten = RawSQL("pg_current_xact_id_if_assigned() IS NULL", [], output_field=BooleanField())
    return Case(When(unwritten, then=expression), default=Value(""))


def remember_token(organisation: Organisation, token: str | None) -> None:
    setattr(organisation, TOKEN_ATTRIBUTE, token)


def loaded_organisation(instance) -> Organisation | None:
    """The instance's organisation if it was read with it, else None: reading it only to look
    for a token would cost the very round trip the token saves."""
    return type(instance)._meta.get_field("organisation").get_cached_value(instance, default=None)


def _entries(organisation: Organisation | None) -> dict | None:
    token = getattr(organisation, TOKEN_ATTRIBUTE, None)
    if not token:
        return None
    with _lock:
        held = _held.get(organisation.pk)
        if held is None or held[0] != token:
            held = _held[organisation.pk] = (token, {})
            if len(_held) > MOST_ORGANISATIONS:
                _held.popitem(last=False)
        _held.move_to_end(organisation.pk)
        if len(held[1]) > MOST_ENTRIES:
            held[1].clear()
        return held[1]


def read_through(
    organisation: Organisation | None, kind: str, keys: Iterable[Hashable], load: Callable[[set], dict]
) -> dict:
    """{key: row} for the keys that have one. `load(missing_keys)` reads the rest from the
    database; everything, when there is no organisation or it carries no token. What it did not
    find is remembered as absent too."""
    keys = set(keys)
    entries = _entries(organisation)
    if entries is None:
        return load(keys)
    # Read each entry once: another thread may clear the store between two looks.
    held = {key: entries.get((kind, key), _UNREAD) for key in keys}
    missing = {key for key, row in held.items() if row is _UNREAD}
    if missing:
        loaded = load(missing)
        for key in missing:
            held[key] = entries[(kind, key)] = loaded.get(key)
    return {key: row for key, row in held.items() if row is not None}


def held_by_id(organisation: Organisation | None, kind: str, queryset: QuerySet, ids: Iterable) -> dict:
    """{id: row} of `queryset` for the ids (None ignored), as `read_through` holds them. One kind
    names one queryset's shape: rows kept under it are handed to every reader of that kind."""
    return read_through(organisation, kind, set(ids) - {None}, queryset.in_bulk)


def held_whole(organisation: Organisation | None, key: Hashable, version: Callable[[], str], load: Callable[[], object],
               rows: Callable[[object], int] = lambda value: 1):
    """`load()`, kept under `key` while both the organisation's token and `version()` (read in the
    same query as the token; asked only when there is one) stay what they are; read afresh when
    the organisation carries no token. `rows(value)` weighs it against MOST_WHOLE_ROWS: the least
    recently read go first. What is kept is shared by every reader of the process: never change it."""
    global _whole_rows
    token = getattr(organisation, TOKEN_ATTRIBUTE, None)
    stamp = (token, version()) if token else None
    if stamp is None or not stamp[1]:
        return load()
    with _lock:
        held = _wholes.get(key)
        if held is not None and held[0] == stamp:
            _wholes.move_to_end(key)
            return held[1]
    value = load()
    weight = rows(value)
    with _lock:
        replaced = _wholes.pop(key, None)
        _whole_rows += weight - (replaced[2] if replaced else 0)
        _wholes[key] = (stamp, value, weight)
        while _whole_rows > MOST_WHOLE_ROWS and len(_wholes) > 1:
            _whole_rows -= _wholes.popitem(last=False)[1][2]
    return value


def forget_wholes() -> None:
    """Drop every whole record the process keeps, as a process that has not read them yet."""
    global _whole_rows
    with _lock:
        _wholes.clear()
        _whole_rows = 0
