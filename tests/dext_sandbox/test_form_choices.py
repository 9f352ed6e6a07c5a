"""The stand-in's cost-item form offers the master data the organisation pushed (as datalists: the
fields stay free text, so that an unknown code can still be sent on purpose), says its date
defaults, and loads the script that adds and removes lines and keeps a running total."""

import pytest
from django.urls import reverse
from django.utils import timezone

from dext_integration.sandbox.models import SandboxMasterData

pytestmark = pytest.mark.django_db


def _received(link, name, rows):
    SandboxMasterData.objects.create(link=link, name=name, payload={"results": rows}, row_count=len(rows),
                                     received_at=timezone.now())


def test_the_form_offers_what_the_organisation_pushed(client, link, api):
    _received(link, "suppliers", [{"name": "Acme Supplies Ltd", "status": "ACTIVE"},
                                  {"name": "Gone Ltd", "status": "ARCHIVED"}])
    _received(link, "accounts", [{"code": "429", "name": "General Expenses", "type": "EXPENSE", "status": "ACTIVE"},
                                 {"code": "090", "name": "Bank", "type": "BANK", "status": "ACTIVE"}])
    _received(link, "tax-rates", [{"tax_type": "INPUT2", "name": "20% (VAT on Expenses)", "status": "ACTIVE"}])
    _received(link, "bank-accounts", [{"code": "090", "name": "Business Bank Account", "status": "ACTIVE"}])
    _received(link, "tracking-categories", [{"name": "Region", "status": "ACTIVE",
                                             "options": [{"name": "North"}, {"name": "South"}]}])

    html = client.get(reverse("dext_sandbox:index")).content.decode()

    assert '<datalist id="dl-suppliers"><option value="Acme Supplies Ltd"></option></datalist>' in html
    assert '<option value="429">429 General Expenses</option>' in html and "429 General Expenses" in html
    assert '<datalist id="dl-accounts"><option value="429">429 General Expenses</option></datalist>' in html
    assert '<option value="INPUT2">20% (VAT on Expenses)</option>' in html
    assert '<datalist id="dl-tracking-Region"><option value="North"></option><option value="South"></option>' in html
    assert 'name="supplier_name"' in html and 'list="dl-suppliers"' in html
    assert 'name="lines-0-account_code"' in html and 'list="dl-accounts"' in html
    assert "Today unless you change it." in html
    assert '<script src="/static/js/dext_lines.js" defer></script>' in html
    assert '"INPUT2": "20"' in html.replace("&quot;", '"')
