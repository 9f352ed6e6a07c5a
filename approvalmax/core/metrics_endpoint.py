"""GET /metrics in Prometheus' text format. With METRICS_TOKEN set, only with that bearer token;
without it, only straight from this machine (loopback, no proxy in between)."""

import hmac

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from approvalmax.core.metrics import DeploymentCollector

_registry = CollectorRegistry(auto_describe=False)
_registry.register(DeploymentCollector())


def _allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    local = request.META.get("REMOTE_ADDR") in ("127.0.0.1", "::1")
    return local and "HTTP_X_FORWARDED_FOR" not in request.META


@never_cache
@require_GET
def metrics(request):
    if not _allowed(request):
        return HttpResponse("Metrics need the METRICS_TOKEN bearer token.\n", status=401,
                            content_type="text/plain", headers={"WWW-Authenticate": "Bearer"})  # fmt: skip
    return HttpResponse(generate_latest(_registry), content_type=CONTENT_TYPE_LATEST)
