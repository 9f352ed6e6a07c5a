"""The floor for bench/dext_push.py: the least a push can do before INTERFACES.md §3 lets it answer
201, served by the project itself (its settings, middleware and gunicorn configuration).

It authenticates the key (`DextKeyAuthentication`), parses and checks the upload and the item
(`upload_parse`), checks the item against the organisation's master data (`item_content`), keeps
the document in the project's storage and commits one row that claims the item and holds it
whole, then answers 201. It routes nothing and writes no request, line, assignment or audit
event: what a push that deferred all of that to a worker would still do in the request.

Served as `push_floor:application` with `--pythonpath bench` from the project's root.
"""

import json
import uuid

from approvalmax.wsgi import application  # sets Django up before the imports below

from django.core.files.base import ContentFile  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.urls import path  # noqa: E402
from rest_framework.parsers import MultiPartParser  # noqa: E402
from rest_framework.response import Response  # noqa: E402

from approvalmax import urls  # noqa: E402
from dext_integration.apis import DextApi  # noqa: E402
from dext_integration.item_content import item_content  # noqa: E402
from dext_integration.parsing import upload_parse  # noqa: E402

__all__ = ["application"]

PATH = "bench/push-floor/"
TABLE = "bench_push_floor"
TABLE_SQL = (f"CREATE TABLE IF NOT EXISTS {TABLE} (id bigserial PRIMARY KEY, organisation_id bigint NOT NULL, "
             "dext_id text NOT NULL, item jsonb NOT NULL, document text NOT NULL, UNIQUE (organisation_id, dext_id))")


class FloorApi(DextApi):
    parser_classes = [MultiPartParser]

    def post(self, request):
        upload = upload_parse(request)
        item_content(self.organisation, upload.item)
        name = f"bench-floor/{uuid.uuid4().hex}-{upload.document.filename}"
        stored = default_storage.save(name, ContentFile(upload.document.data))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TABLE} (organisation_id, dext_id, item, document) "
                           "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING id",
                           [self.organisation.pk, upload.item["dext_id"], json.dumps(upload.item, default=str),
                            stored])
            row = cursor.fetchone()
        return Response({"id": row and row[0], "dext_id": upload.item["dext_id"], "status": "on_approval"},
                        status=201 if row else 200)


urls.urlpatterns.insert(0, path(PATH, FloorApi.as_view()))
