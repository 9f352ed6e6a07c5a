from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from dext_integration.sandbox.models import SandboxLink

from .conftest import API, API_KEY

MASKED = API_KEY[:6] + "…"
OTHER_KEY = "dxk_live_0000aaaa1111bbbb2222cccc3333dddd"


def link_command(*args) -> str:
    out = StringIO()
    call_command("dext_sandbox_link", *args, stdout=out, stderr=out)
    return out.getvalue()


def raw_api_key_column() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT api_key FROM dext_sandbox_sandboxlink")
        (value,) = cursor.fetchone()
    return value


def test_the_command_stores_the_key_encrypted_and_prints_it_masked(db):
    output = link_command("--api-key", API_KEY, "--base-url", API, "--name", "Demo Trading Ltd")

    assert MASKED in output
    assert API_KEY not in output and API_KEY[:7] not in output
    raw = raw_api_key_column()
    assert API_KEY not in raw and raw
    link = SandboxLink.objects.get()
    assert (link.api_key, link.base_url, link.name) == (API_KEY, API, "Demo Trading Ltd")


def test_the_command_is_idempotent_and_relinking_replaces_the_key(db):
    link_command("--api-key", API_KEY, "--base-url", API)
    linked_at = SandboxLink.objects.get().linked_at

    again = link_command("--api-key", API_KEY, "--base-url", API)
    assert "unchanged" in again
    assert SandboxLink.objects.get().linked_at == linked_at

    relinked = link_command("--api-key", OTHER_KEY, "--base-url", API)
    assert "updated" in relinked and OTHER_KEY not in relinked
    assert SandboxLink.objects.get().api_key == OTHER_KEY


def test_the_command_defaults_to_this_deployments_api(db, settings):
    settings.PUBLIC_BASE_URL = "http://localhost:8123"

    link_command("--api-key", API_KEY)

    assert SandboxLink.objects.get().base_url == "http://localhost:8123/api/dext/v1/"


def test_the_command_refuses_a_url_that_is_not_absolute(db):
    with pytest.raises(CommandError, match="absolute"):
        link_command("--api-key", API_KEY, "--base-url", "approvalmax.test/api/dext/v1/")
    assert not SandboxLink.objects.exists()


def test_linking_on_the_page_shows_only_the_masked_key(db, client, api):
    response = client.post(
        "/sandbox/dext/link/", {"name": "Demo Trading Ltd", "base_url": API.rstrip("/"), "api_key": API_KEY},
        follow=True,
    )

    page = response.content.decode()
    assert "Linked organisation “Demo Trading Ltd”" in page
    assert MASKED in page and API_KEY not in page
    assert SandboxLink.objects.get().base_url == API


def test_relinking_on_the_page_replaces_the_key(client, link, api):
    client.post("/sandbox/dext/link/", {"name": link.name, "base_url": API, "api_key": OTHER_KEY})

    assert SandboxLink.objects.get().api_key == OTHER_KEY


def test_a_first_link_needs_a_key(db, client, api):
    response = client.post("/sandbox/dext/link/", {"name": "Demo", "base_url": API, "api_key": ""})

    assert "Paste the API key" in response.content.decode()
    assert not SandboxLink.objects.exists()


def test_the_page_offers_this_deployments_api_before_anything_is_linked(db, client, settings):
    settings.PUBLIC_BASE_URL = "http://localhost:8123"

    page = client.get("/sandbox/dext/").content.decode()

    assert "No organisation is linked yet." in page
    assert 'value="http://localhost:8123/api/dext/v1/"' in page


def test_a_practice_links_several_organisations_and_publishes_to_the_chosen_one(client, link, api):
    client.post("/sandbox/dext/link/", {"name": "Demo Services Ltd", "base_url": API, "api_key": OTHER_KEY})
    assert SandboxLink.objects.count() == 2
    services = SandboxLink.objects.get(name="Demo Services Ltd")
    page = client.get("/sandbox/dext/").content.decode()
    assert "linked to 2 organisations" in page and "Publish to Demo Trading Ltd" in page

    client.post(f"/sandbox/dext/link/{link.pk}/choose/")

    assert SandboxLink.objects.order_by("-linked_at").first() == link
    page = client.get("/sandbox/dext/").content.decode()
    assert f"Publish to {services.name}" in page
