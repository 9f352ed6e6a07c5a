"""The browser fixture: Debian's Chromium driven by Playwright (its own download is not available)."""

import os

import pytest
from django.db import connections
from playwright.sync_api import sync_playwright

from tests.conftest import require_service

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture
def page():
    if not os.path.exists(CHROMIUM):
        require_service("Chromium", f"{CHROMIUM} is missing: install Debian's package (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser.new_context().new_page()
        finally:
            browser.close()
            # Playwright runs the test in its own context, where Django opened a second
            # database connection; close it, or the test database cannot be dropped.
            connections.close_all()
