"""The reference for bench/dext_push.py: a bare Django view that takes the same multipart upload
(the item's JSON and a document), parses the JSON, writes the file to disk and answers 201.
No database, no middleware. Served by gunicorn as `bare_upload:application` from bench/.
"""

import json
import os
import tempfile
import uuid
from pathlib import Path

from django.conf import settings

settings.configure(
    DEBUG=False, ROOT_URLCONF=__name__, ALLOWED_HOSTS=["127.0.0.1"], SECRET_KEY="bench-bare-upload",
    MIDDLEWARE=[], INSTALLED_APPS=[], DATA_UPLOAD_MAX_MEMORY_SIZE=11 * 1024 * 1024,
    FILE_UPLOAD_MAX_MEMORY_SIZE=11 * 1024 * 1024,
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

UPLOADS = Path(os.environ.get("BARE_UPLOAD_DIR") or tempfile.mkdtemp(prefix="bare-upload-"))


@csrf_exempt
def upload(request):
    item = json.loads(request.POST["item"])
    document = request.FILES["document"]
    target = UPLOADS / f"{uuid.uuid4().hex}-{document.name}"
    with open(target, "wb") as out:
        for chunk in document.chunks():
            out.write(chunk)
    return JsonResponse({"dext_id": item["dext_id"], "status": "on_approval"}, status=201)


urlpatterns = [path("api/dext/v1/cost-items/", upload)]
application = get_wsgi_application()
