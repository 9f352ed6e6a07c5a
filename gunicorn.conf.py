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
    from approvalmax.core.process_start import worker_ready

    worker_ready()
