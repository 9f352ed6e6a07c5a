"""The triggers that change an organisation's `DataVersion` token when a table it reads changes.

Used by migrations (core 0010, workflows 0020): keep what they call stable. Each table names the
column of a changed row that leads to its organisation and a query from that column to the
organisation's id, written against `changed`, the changed rows."""

EVENTS = {"insert": ("INSERT", "NEW"), "update": ("UPDATE", "NEW"), "delete": ("DELETE", "OLD")}
TOKEN = {"postgresql": "gen_random_uuid()::text", "sqlite": "lower(hex(randomblob(16)))"}
DIRECT = "SELECT changed.organisation_id FROM {rows} AS changed"


def _upsert(vendor: str, organisations: str) -> str:
    # DISTINCT: one upsert may not touch a row twice. In id order: two writers that change the
    # same organisations (a user in several) take their tokens' row locks in the same order.
    return (
        f"INSERT INTO core_dataversion (organisation_id, token) SELECT organisation_id, {TOKEN[vendor]} "
        f"FROM (SELECT DISTINCT organisation_id FROM ({organisations}) AS organisations) AS changed_organisations "
        f"WHERE organisation_id IS NOT NULL ORDER BY organisation_id "
        f"ON CONFLICT (organisation_id) DO UPDATE SET token = excluded.token"
    )


def install(vendor: str, table: str, key: str, organisations: str = DIRECT) -> list[str]:
    if vendor == "postgresql":
        # One upsert a statement, not a row: a sync of thousands of contacts changes the token once.
        function = f"{table}_data_version"
        body = _upsert(vendor, organisations.format(rows="changed_rows"))
        return [
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body}; RETURN NULL; END $$",
            *(
                f"CREATE TRIGGER {table}_version_{name} AFTER {event} ON {table} REFERENCING {side} TABLE AS "
                f"changed_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
                for name, (event, side) in EVENTS.items()
            ),
        ]
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER {table}_version_{name} AFTER {event} ON {table} BEGIN "
            f"{_upsert(vendor, organisations.format(rows=f'(SELECT {side}.{key} AS {key})'))}; END"
            for name, (event, side) in EVENTS.items()
        ]
    raise NotImplementedError(f"No data-version triggers for {vendor}.")


def remove(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [f"DROP FUNCTION IF EXISTS {table}_data_version() CASCADE"]
    return [f"DROP TRIGGER IF EXISTS {table}_version_{name}" for name in EVENTS]


def run(schema_editor, statements: list[str]) -> None:
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
