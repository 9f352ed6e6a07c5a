"""At 390 px, as on a phone, no page of the application scrolls sideways: the navigation's pages
for an administrator, the request page, the inbox and the request list with bills in them."""

import pytest
from django.urls import reverse

from tests import files
from tests.browser_fixtures import log_in
from tests.builders import bill_content, pdf_document
from workflows import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_page_scrolls_sideways_on_a_phone(page, live_server, organisation, master_data, workflow, administrator):
    workflow.steps.get().approvers.add(administrator)
    request = services.request_create(organisation=organisation, content=bill_content(master_data),
                                      document=pdf_document(data=files.pdf(pages=2, text_size=600)))
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, administrator)

    links = page.locator("header nav a").evaluate_all("links => links.map(a => a.href)")
    wide = {}
    for url in [*links, f"{live_server.url}{reverse('workflows:request_detail', args=[request.public_id])}",
                f"{live_server.url}/notifications/preferences/"]:
        assert page.goto(url).ok, url
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide[url] = page.evaluate("""Array.from(document.querySelectorAll('body *'))
                .filter(e => e.getBoundingClientRect().right > 392).slice(0, 4)
                .map(e => e.tagName + '.' + e.className).join(' ')""") + f" ({width} px)"

    assert wide == {}
