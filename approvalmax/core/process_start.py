"""What a long-lived process (a gunicorn worker, a Celery pool child) does once the project is
loaded, before it serves."""

import gc


def worker_ready() -> None:
    """Import what the first request would (the URL patterns, and the views they name), then
    take everything loaded so far out of the garbage collector's passes: it lives as long as the
    process. Full collections over some 200,000 such objects paused a page for 100-160 ms every
    few dozen pages; a page that builds hundreds of forms met one on nearly every view."""
    from django.urls import get_resolver

    get_resolver().url_patterns
    gc.freeze()
