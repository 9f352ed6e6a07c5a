"""An administrator invites someone on the members page; the invited person opens the emailed
link, creates their account and lands in the application as a member."""

import re

import pytest
from playwright.sync_api import expect

from approvalmax.core.models import Membership
from tests.browser_fixtures import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_invited_persons_first_login(page, live_server, settings, organisation, administrator, smtp_server):
    settings.PUBLIC_BASE_URL = live_server.url
    log_in(page, live_server, administrator)
    page.get_by_role("link", name="Members").click()
    page.get_by_label("Email").fill("dana@example.com")
    page.get_by_label("Role").last.select_option("approver")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status")).to_contain_text("Invitation sent to dana@example.com.")
    page.get_by_role("button", name=re.compile("Log out")).click()

    [message] = smtp_server.to("dana@example.com")
    link = re.search(r"(http\S+/invitations/\S+/)", smtp_server.text(message)).group(1)
    page.goto(link)
    expect(page.get_by_role("heading", name=f"Join {organisation.name}")).to_be_visible()
    page.get_by_label("First name").fill("Dana")
    page.get_by_label("Last name").fill("Scully")
    page.get_by_label("Password", exact=True).fill("a-long-pass-phrase-9")
    page.get_by_label("The password again").fill("a-long-pass-phrase-9")
    page.get_by_role("button", name="Create my account and join").click()

    expect(page.get_by_role("heading", name="Awaiting my decision")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(f"Welcome: you joined {organisation.name}.")
    assert Membership.objects.filter(organisation=organisation, user__email="dana@example.com",
                                     role="approver").exists()
