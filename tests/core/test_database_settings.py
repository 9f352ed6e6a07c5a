"""How the processes use PostgreSQL: a connection kept between requests, and queries it repeats
planned once."""

import pytest
from django.db import connection

from approvalmax.core.models import Organisation

pytestmark = pytest.mark.django_db


def test_a_query_a_connection_repeats_is_prepared_and_planned_once():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    for _ in range(3):
        list(Organisation.objects.filter(slug="prepared-here"))

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]

    assert any('"core_organisation"."slug" = $1' in statement for statement in prepared), prepared


def test_connections_are_kept_and_checked_before_reuse():
    if connection.vendor != "postgresql":
        pytest.skip("the embedded database of the demo opens its file per process")
    assert connection.settings_dict["CONN_MAX_AGE"] == 60 and connection.settings_dict["CONN_HEALTH_CHECKS"]
