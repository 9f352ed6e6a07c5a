"""The last approver sees what the accounting system would refuse before approving."""

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from workflows import checks
from xero_integration.models import XeroConnection


@pytest.fixture
def connected(organisation):
    return XeroConnection.objects.create(
        organisation=organisation, tenant_id=uuid.uuid4(), tenant_name="Demo", access_token="a",
        refresh_token="r", access_token_expires_at=timezone.now() + timedelta(minutes=30))


def _page(client, user, request) -> str:
    client.force_login(user)
    return client.get(reverse("workflows:request_detail", kwargs={"public_id": request.public_id})).content.decode()


def test_a_registered_check_is_shown_to_the_approver(client, approver, create_request):
    def refuse_everything(request):
        return [f"The date {request.date:%d %b %Y} is locked."]

    checks.register(refuse_everything)
    try:
        html = _page(client, approver, create_request())
    finally:
        checks.unregister(refuse_everything)

    assert 'id="preflight-problems"' in html
    assert "The date 02 Nov 2026 is locked." in html


def test_an_archived_tracking_option_is_named_before_approval(
        client, approver, create_request, master_data, connected):
    request = create_request()
    master_data["north"].status = "ARCHIVED"
    master_data["north"].save()

    html = _page(client, approver, request)

    assert "Before you approve" in html
    assert "tracking option “North” of “Region” is archived in Xero" in html


def test_nothing_is_shown_when_xero_would_accept_it(client, approver, create_request, connected):
    assert 'id="preflight-problems"' not in _page(client, approver, create_request())


def test_people_who_cannot_decide_see_no_checks(client, bystander, create_request, master_data, connected):
    request = create_request()
    master_data["north"].status = "ARCHIVED"
    master_data["north"].save()

    assert 'id="preflight-problems"' not in _page(client, bystander, request)
