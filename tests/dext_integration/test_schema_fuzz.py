"""The Dext API's OpenAPI schema (/api/schema/), and schemathesis fuzzing the API against it:
whatever it sends, no answer is a server error."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error

from approvalmax.wsgi import application
from dext_integration.services import dext_connection_create

SCHEMA_URL = "/api/schema/?format=json"


@pytest.fixture
def dext_schema(db):
    # Like Django's test client: the test's transaction must outlive each request.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        loaded = schemathesis.openapi.from_wsgi(SCHEMA_URL, application)
        loaded.config.generation.update(
            modes=[schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE],
            max_examples=30, deterministic=True, database="none",
        )
        yield loaded
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("dext_schema")


@pytest.fixture
def fuzz_key(organisation, master_data, workflow):
    _, key = dext_connection_create(organisation=organisation, account_name="Fuzzing")
    return key


def test_the_schema_describes_the_dext_api(db):
    response = Client().get(SCHEMA_URL)

    assert response.status_code == 200
    document = response.json()
    assert set(document["paths"]) == {
        "/api/dext/v1/cost-items/", "/api/dext/v1/cost-items/{dext_id}/", "/api/dext/v1/{list_name}/"}
    assert document["components"]["securitySchemes"]["DextKey"] == {
        "type": "http", "scheme": "bearer",
        "description": "The API key an administrator created when linking the Dext account."}
    upload = document["paths"]["/api/dext/v1/cost-items/"]["post"]["requestBody"]["content"]
    assert list(upload) == ["multipart/form-data"]
    parts = document["components"]["schemas"]["CostItemUploadRequest"]["properties"]
    assert parts["document"]["format"] == "binary" and parts["item"]["type"] == "string"
    answers = document["paths"]["/api/dext/v1/cost-items/"]["post"]["responses"]
    assert {"200", "201", "202", "400", "401", "409", "413", "415", "422"} <= set(answers)


@schema.parametrize()
@hypothesis_settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_is_a_server_error(case, fuzz_key):
    response = case.call(headers={"Authorization": f"Bearer {fuzz_key}"})

    case.validate_response(response, checks=[not_a_server_error])
