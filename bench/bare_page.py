"""The reference for bench/workspace_pages.py: a bare Django app that answers any path with the
bytes of the file BARE_PAGE_FILE names (a page the bench captured), through the same gunicorn. No
database, no middleware: what serving a page of that size costs by itself."""

import os
from pathlib import Path

from django.conf import settings

settings.configure(DEBUG=False, ROOT_URLCONF=__name__, ALLOWED_HOSTS=["127.0.0.1"], SECRET_KEY="bench-bare-page",
                   MIDDLEWARE=[], INSTALLED_APPS=[])

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import re_path  # noqa: E402

PAGES = Path(os.environ["BARE_PAGE_DIR"])


def page(request, name):
    return HttpResponse((PAGES / f"{name}.html").read_bytes(), content_type="text/html; charset=utf-8")


urlpatterns = [re_path(r"^(?P<name>[a-z]+)/$", page)]
application = get_wsgi_application()
