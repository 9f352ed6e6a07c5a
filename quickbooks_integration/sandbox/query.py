"""QBO's query language, as much of it as the clients here use:

    select * | count(*) from <Entity> [where <cond> [and <cond>]...] [orderby <Field> [asc|desc]]
        [startposition <n>] [maxresults <n>]

A condition is `<Field> <op> <value>` with `=`, `<`, `>`, `<=`, `>=`, `like` (with %) or
`in (...)`; a field may be dotted (`MetaData.LastUpdatedTime`), and a reference (`VendorRef`)
compares its `value`. Keywords are case-insensitive. List entities answer only their active
rows unless the query says otherwise about `Active`, as QBO does."""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from quickbooks_integration.sandbox.faults import Fault

MAX_RESULTS = 1000
LIST_ENTITIES = {"Vendor", "Account", "TaxCode", "TaxRate", "Class", "Department"}

_QUERY = re.compile(
    r"^\s*select\s+(?P<what>\*|count\(\*\))\s+from\s+(?P<kind>\w+)"
    r"(?:\s+where\s+(?P<where>.+?))?"
    r"(?:\s+orderby\s+(?P<order>[\w.]+)(?:\s+(?P<direction>asc|desc))?)?"
    r"(?:\s+startposition\s+(?P<start>\d+))?"
    r"(?:\s+maxresults\s+(?P<max>\d+))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_CONDITION = re.compile(
    r"^\s*(?P<field>[\w.]+)\s*(?P<op><=|>=|=|<|>|\blike\b|\bin\b)\s*(?P<value>.+?)\s*$", re.IGNORECASE | re.DOTALL)
_VALUE = re.compile(r"'((?:[^'\\]|\\.)*)'|(-?\d+(?:\.\d+)?)|(true|false)", re.IGNORECASE)


@dataclass(frozen=True)
class Query:
    kind: str
    count: bool
    conditions: list[tuple[str, str, list]]
    order: str | None
    descending: bool
    start: int
    max_results: int

    def matches(self, entity: dict) -> bool:
        return all(_holds(_field(entity, field), op, values) for field, op, values in self.conditions)

    def wants_inactive(self) -> bool:
        return any(field.lower() == "active" for field, _, _ in self.conditions)


def parse(text: str) -> Query:
    match = _QUERY.match(text or "")
    if not match:
        raise _parse_error(text)
    conditions = []
    if match["where"]:
        for part in re.split(r"\s+and\s+", match["where"], flags=re.IGNORECASE):
            condition = _CONDITION.match(part)
            if not condition:
                raise _parse_error(text)
            op = condition["op"].lower()
            conditions.append((condition["field"], op, _values(condition["value"], op, text)))
    max_results = int(match["max"] or MAX_RESULTS)
    if max_results > MAX_RESULTS:
        raise Fault("4001", "Invalid query", f"QueryValidationError: MaxResults cannot exceed {MAX_RESULTS}.")
    return Query(kind=match["kind"], count=match["what"] != "*", conditions=conditions, order=match["order"],
                 descending=(match["direction"] or "").lower() == "desc", start=max(1, int(match["start"] or 1)),
                 max_results=max_results)


def _parse_error(text: str) -> Fault:
    return Fault("4000", "Error parsing query", f"QueryParserError: Encountered an error parsing: {text}")


def _values(raw: str, op: str, text: str) -> list:
    if op == "in":
        raw = raw.strip()
        if not (raw.startswith("(") and raw.endswith(")")):
            raise _parse_error(text)
        raw = raw[1:-1]
    values = []
    for match in _VALUE.finditer(raw):
        quoted, number, boolean = match.groups()
        if quoted is not None:
            values.append(re.sub(r"\\(.)", r"\1", quoted))
        elif number is not None:
            values.append(number)
        else:
            values.append(boolean.lower())
    if not values or (op != "in" and len(values) != 1):
        raise _parse_error(text)
    return values


def _field(entity: dict, path: str):
    value = entity
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = next((v for k, v in value.items() if k.lower() == part.lower()), None)
    if isinstance(value, dict) and "value" in value:
        return value["value"]  # a reference compares its id
    return value


def _comparable(value):
    if isinstance(value, bool):
        return str(value).lower()
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value).lower()


def _holds(actual, op: str, values: list) -> bool:
    if actual is None:
        return False
    if op == "in":
        return _comparable(actual) in {_comparable(v) for v in values}
    if op == "like":
        pattern = "^" + ".*".join(re.escape(p) for p in values[0].lower().split("%")) + "$"
        return re.match(pattern, str(actual).lower(), re.DOTALL) is not None
    left, right = _comparable(actual), _comparable(values[0])
    if type(left) is not type(right):
        left, right = str(actual).lower(), str(values[0]).lower()
    return {"=": left == right, "<": left < right, ">": left > right, "<=": left <= right, ">=": left >= right}[op]
