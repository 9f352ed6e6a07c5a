"""The Dext stand-in acts with an organisation's real key: only members may use its pages, and it
cannot be pointed at another server without the key being given again."""

import pytest
from django.test import Client

from dext_integration.sandbox.models import SandboxLink
from tests.dext_sandbox.conftest import API, API_KEY
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = ["/sandbox/dext/", "/sandbox/dext/items/CI-1/", "/sandbox/dext/items/CI-1/document/",
         "/sandbox/dext/items/CI-1/edit/"]


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_log_in(path):
    response = Client().get(path)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_anonymous_visitors_can_neither_link_nor_publish(link):
    anonymous = Client()
    assert anonymous.post("/sandbox/dext/link/", {"name": "Mine", "base_url": "http://evil.example/api/dext/v1/"}
                          ).status_code == 302
    assert anonymous.post("/sandbox/dext/", {"dext_id": "CI-9"}).status_code == 302
    assert SandboxLink.objects.get().base_url == API


def test_someone_who_is_no_member_is_refused():
    outsider = Client()
    outsider.force_login(UserFactory())
    assert outsider.get("/sandbox/dext/").status_code == 403


def test_pointing_the_link_elsewhere_needs_the_key_again(link, client):
    response = client.post("/sandbox/dext/link/", {"name": "Demo Trading Ltd",
                                                   "base_url": "http://elsewhere.example/api/dext/v1/"})

    assert response.status_code == 200 and "Paste the API key again" in response.content.decode()
    assert SandboxLink.objects.get().base_url == API


def test_renaming_at_the_same_address_keeps_the_key(link, client):
    client.post("/sandbox/dext/link/", {"name": "Renamed", "base_url": API})
    assert (SandboxLink.objects.get().name, SandboxLink.objects.get().api_key) == ("Renamed", API_KEY)
