"""Log lines say where they come from (organisation, approval request, HTTP request, task) and
never carry a secret; in production they are JSON, one object a line."""

import json
import logging
import subprocess
import sys

import pytest
from rest_framework.test import APIClient

from approvalmax.core.log_context import ContextFilter, bound, redact
from dext_integration.services import dext_connection_create
from tests.core.test_deployment_security import ROOT, production_env

SECRETS = ["eyJhbGciOi.payload.sig", "r-9f8e7d6c", "amxd_k3yk3yk3y", "s3cr3t-client", "hunter2"]
LEAKY = ("Refresh failed: Authorization: Bearer eyJhbGciOi.payload.sig, refresh_token=r-9f8e7d6c, "
         "key amxd_k3yk3yk3y, {\"client_secret\": \"s3cr3t-client\"}, password=hunter2")  # fmt: skip


def test_secrets_are_blanked_wherever_they_sit():
    cleaned = redact(LEAKY)
    assert not any(secret in cleaned for secret in SECRETS)
    assert cleaned.count("[redacted]") == 5
    assert "Refresh failed" in cleaned


def test_production_logs_are_json_lines_with_their_context(tmp_path):
    script = (
        "import logging\nfrom approvalmax.core.log_context import bound\n"
        "with bound(organisation='acme', request='5f0c'):\n"
        f"    logging.getLogger('xero_integration.client').warning({LEAKY!r})\n"
        "    try:\n        raise ValueError('access_token=r-9f8e7d6c')\n"
        "    except ValueError:\n        logging.getLogger('x').exception('It broke')\n"
    )
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT,
                            env=production_env(tmp_path), capture_output=True, text=True, timeout=120)  # fmt: skip
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    warning, error = lines[-2], lines[-1]

    assert warning["level"] == "WARNING" and warning["logger"] == "xero_integration.client"
    assert warning["organisation"] == "acme" and warning["request"] == "5f0c"
    assert "Refresh failed" in warning["message"] and "time" in warning
    assert error["level"] == "ERROR" and "ValueError" in error["exc_info"]
    assert not any(secret in result.stderr for secret in SECRETS)


@pytest.fixture
def captured():
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep()
    handler.addFilter(ContextFilter())
    logging.getLogger().addHandler(handler)
    yield records
    logging.getLogger().removeHandler(handler)


@pytest.mark.django_db
def test_an_api_call_logs_with_its_organisation_and_request_id(organisation, captured):
    _, key = dext_connection_create(organisation=organisation, account_name="Dext")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

    response = client.get("/api/dext/v1/cost-items/CI-404/", HTTP_X_REQUEST_ID="req-77")

    assert response.status_code == 404 and response["X-Request-ID"] == "req-77"
    [line] = [r for r in captured if r.name == "django.request"]
    assert (line.organisation, line.organisation_id, line.http_request) == (organisation.slug, str(organisation.pk), "req-77")
    assert key not in line.getMessage()


@pytest.mark.django_db
def test_each_http_request_starts_with_a_fresh_context(client, captured):
    with bound(organisation="left-over"):
        response = client.get("/no-such-page/")
    assert response.status_code == 404
    [line] = [r for r in captured if r.name == "django.request"]
    assert line.organisation == "" and len(line.http_request) == 32
