"""The triggers that give a request a new `record_version` whenever what its page shows of it
changes: its own row, or a row of a table that hangs from it (its decisions, lines, comments…).

Used by migration workflows 0022: keep what it calls stable. Each table names the query from its
changed rows (`changed`) to their requests' ids. A new random value, not a counter: nothing a
reader held can match it, whoever wrote before."""

REQUESTS = "workflows_approvalrequest"
VERSION = {"postgresql": "replace(gen_random_uuid()::text, '-', '')", "sqlite": "lower(hex(randomblob(16)))"}
DIRECT = "SELECT changed.request_id FROM {rows} AS changed"
BY_LINE = ("SELECT line.request_id FROM {rows} AS changed "
           "JOIN workflows_requestline AS line ON line.id = changed.requestline_id")
TABLES = [
    ("workflows_decision", "request_id", DIRECT),
    ("workflows_assignment", "request_id", DIRECT),
    ("workflows_requestline", "request_id", DIRECT),
    ("workflows_requestline_tracking", "requestline_id", BY_LINE),
    ("workflows_requestdocument", "request_id", DIRECT),
    ("workflows_auditevent", "request_id", DIRECT),
    ("workflows_comment", "request_id", DIRECT),
]
EVENTS = {"insert": ("INSERT", "NEW"), "update": ("UPDATE", "NEW"), "delete": ("DELETE", "OLD")}


def install(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return _postgresql()
    if vendor == "sqlite":
        return _sqlite()
    raise NotImplementedError(f"No record-version triggers for {vendor}.")


def remove(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP FUNCTION IF EXISTS {name}() CASCADE" for name in _functions()]
    return [f"DROP TRIGGER IF EXISTS {REQUESTS}_record_version"] + [
        f"DROP TRIGGER IF EXISTS {table}_record_version_{name}" for table, *_ in TABLES for name in EVENTS
    ]


def _functions() -> list[str]:
    return [f"{REQUESTS}_record_version"] + [f"{table}_record_version" for table, *_ in TABLES]


def _postgresql() -> list[str]:
    own = f"{REQUESTS}_record_version"
    statements = [
        # Any update of the request, by whatever writes it (a save carries the version it read).
        f"CREATE FUNCTION {own}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"NEW.record_version := {VERSION['postgresql']}; RETURN NEW; END $$",
        f"CREATE TRIGGER {own} BEFORE UPDATE ON {REQUESTS} FOR EACH ROW EXECUTE FUNCTION {own}()",
    ]
    for table, _, requests in TABLES:
        function = f"{table}_record_version"
        # One update a statement. A request whose row this transaction wrote already has a
        # version no reader has seen (a push inserts its request, then its lines…): it is left
        # alone. In id order, so that two writers touching the same requests lock them in the
        # same order.
        body = (
            f"UPDATE {REQUESTS} AS request SET record_version = request.record_version "
            f"FROM (SELECT id FROM {REQUESTS} WHERE id IN ({requests.format(rows='changed_rows')}) "
            f"AND xmin <> pg_current_xact_id()::xid ORDER BY id FOR UPDATE) AS touched "
            f"WHERE request.id = touched.id"
        )
        statements.append(
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body}; RETURN NULL; END $$"
        )
        statements += [
            f"CREATE TRIGGER {table}_record_version_{name} AFTER {event} ON {table} REFERENCING {side} TABLE AS "
            f"changed_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            for name, (event, side) in EVENTS.items()
        ]
    return statements


def _sqlite() -> list[str]:
    # SQLite's triggers cannot change NEW: the request's own trigger updates the row again
    # (recursive triggers are off, so that update does not fire it once more).
    renew = f"UPDATE {REQUESTS} SET record_version = {VERSION['sqlite']} WHERE id IN"
    statements = [f"CREATE TRIGGER {REQUESTS}_record_version AFTER UPDATE ON {REQUESTS} BEGIN {renew} (NEW.id); END"]
    for table, key, requests in TABLES:
        statements += [
            f"CREATE TRIGGER {table}_record_version_{name} AFTER {event} ON {table} BEGIN "
            f"{renew} ({requests.format(rows=f'(SELECT {side}.{key} AS {key})')}); END"
            for name, (event, side) in EVENTS.items()
        ]
    return statements
