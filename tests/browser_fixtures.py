"""The browser fixture: Debian's Chromium driven by Playwright (its own download is not available)."""

import os

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright

from tests.conftest import require_service

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def _chromium_page(**context_options):
    if not os.path.exists(CHROMIUM):
        require_service("Chromium", f"{CHROMIUM} is missing: install Debian's package (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser.new_context(**context_options).new_page()
        finally:
            browser.close()
            # Playwright runs the test in its own context, where Django opened a second
            # database connection; close it, or the test database cannot be dropped.
            connections.close_all()


@pytest.fixture
def page():
    yield from _chromium_page()


def log_in(page, live_server, user) -> None:
    """Through the login page, as a person would (every test user's password is the factory's)."""
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill("pass-word-123")
    page.get_by_role("button", name="Log in").click()


AXE_GLOB = "var/axe-core-*.min.js"
SERIOUS = ("critical", "serious")


@pytest.fixture
def a11y_page():
    """A page whose context lets axe-core be injected past our Content-Security-Policy (the
    application's own scripts still load as they do for everyone)."""
    yield from _chromium_page(bypass_csp=True)


def axe_violations(page) -> list[str]:
    """axe-core's critical and serious violations on the page as it stands, one line each."""
    from pathlib import Path

    found = sorted(Path(__file__).resolve().parents[1].glob(AXE_GLOB))
    if not found:
        require_service("axe-core", "var/axe-core-*.min.js is missing: `make browser` fetches it from npm")
    page.add_script_tag(content=found[-1].read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['impact']}: {v['id']} ({v['help']}) at {', '.join(n['target'][0] for n in v['nodes'][:3])}"
            for v in result["violations"] if v["impact"] in SERIOUS]
