"""gunicorn reads this file from the working directory: the production server's defaults."""

from gunicorn.http import wsgi

_default_headers = wsgi.Response.default_headers


def _without_server_banner(self):
    """gunicorn names itself in a Server header on every response; say nothing about the server."""
    return [header for header in _default_headers(self) if not header.lower().startswith("server:")]


wsgi.Response.default_headers = _without_server_banner

# Behind a proxy that ends TLS, the proxy's X-Forwarded-* headers are believed only from it.
forwarded_allow_ips = "127.0.0.1,::1"


def post_worker_init(worker):
    """The application is loaded (its views imported here, not on the first request): what it holds
    lives as long as the worker, so the garbage collector stops walking it. Its full collections
    over some 200,000 such objects paused a page for 100-160 ms every few dozen pages."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns
    gc.freeze()
