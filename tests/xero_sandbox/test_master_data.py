import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone
from django.utils.http import http_date

from tests.xero_sandbox.conftest import bill
from xero_integration.sandbox.models import Account, Contact, Organisation, TrackingCategory, TrackingOption

pytestmark = pytest.mark.django_db(transaction=True)

MS_DATE = re.compile(r"^/Date\(\d+\+0000\)/$")


def test_the_organisation_answers_in_xeros_envelope(api, tenant):
    answer = api.get("Organisation")
    assert answer.headers["Content-Type"].startswith("application/json")
    body = answer.json()
    assert body["Status"] == "OK" and body["ProviderName"] == "ApprovalMax"
    assert re.match(r"^/Date\(\d+\)/$", body["DateTimeUTC"])
    [organisation] = body["Organisations"]
    assert organisation["OrganisationID"] == str(tenant.organisation_id)
    assert organisation["Name"] == "Demo Trading Ltd"
    assert organisation["ShortCode"] == "!dEm0x"
    assert organisation["BaseCurrency"] == "GBP" and organisation["CountryCode"] == "GB"
    assert organisation["Timezone"] == "GMTSTANDARDTIME"
    assert "PeriodLockDate" not in organisation

    Organisation.objects.filter(pk=tenant.pk).update(period_lock_date=date(2026, 3, 31))
    locked = api.get("Organisation").json()["Organisations"][0]
    assert locked["PeriodLockDate"] == "/Date(1774915200000+0000)/"


def test_accounts_include_the_archived_with_their_status(api):
    accounts = {row["Code"]: row for row in api.get("Accounts").json()["Accounts"]}
    assert accounts["090"]["Type"] == "BANK" and accounts["090"]["Name"] == "Business Bank Account"
    assert accounts["429"]["TaxType"] == "INPUT2" and accounts["429"]["Class"] == "EXPENSE"
    assert accounts["999"]["Status"] == "ARCHIVED"
    assert accounts["800"]["Type"] == "CURRLIAB"
    assert MS_DATE.match(accounts["429"]["UpdatedDateUTC"])


def test_tax_rates(api):
    rates = {row["TaxType"]: row for row in api.get("TaxRates").json()["TaxRates"]}
    assert set(rates) == {"INPUT2", "ZERORATEDINPUT", "EXEMPTINPUT", "NONE", "OUTPUT2"}
    assert rates["INPUT2"]["Name"] == "20% (VAT on Expenses)" and rates["INPUT2"]["EffectiveRate"] == 20
    assert rates["INPUT2"]["CanApplyToExpenses"] is True
    assert rates["OUTPUT2"]["CanApplyToExpenses"] is False and rates["OUTPUT2"]["CanApplyToRevenue"] is True


def test_tracking_categories_list_active_options(api):
    region = TrackingCategory.objects.get(name="Region")
    TrackingOption.objects.create(category=region, name="Central", status="ARCHIVED")
    categories = {row["Name"]: row for row in api.get("TrackingCategories").json()["TrackingCategories"]}
    assert set(categories) == {"Region", "Department"}
    assert [option["Name"] for option in categories["Region"]["Options"]] == ["East", "North", "South", "West"]
    assert all(set(option) >= {"TrackingOptionID", "Name", "Status"} for option in categories["Region"]["Options"])
    everything = api.get("TrackingCategories", includeArchived="true").json()["TrackingCategories"]
    region_options = next(row for row in everything if row["Name"] == "Region")["Options"]
    assert {"Name": "Central", "Status": "ARCHIVED"}.items() <= next(
        o for o in region_options if o["Name"] == "Central"
    ).items()


def test_currencies(api):
    assert [row["Code"] for row in api.get("Currencies").json()["Currencies"]] == ["EUR", "GBP", "USD"]


def test_contacts_page_by_100_by_default_and_up_to_1000(api, tenant):
    Contact.objects.bulk_create(Contact(organisation=tenant, name=f"Supplier {n:04d}") for n in range(1100))
    total = 1100 + 5
    first = api.get("Contacts", page=1).json()
    assert len(first["Contacts"]) == 100
    assert first["pagination"] == {"page": 1, "pageSize": 100, "pageCount": 12, "itemCount": total}
    last = api.get("Contacts", page=12).json()
    assert len(last["Contacts"]) == total - 1100
    big = api.get("Contacts", page=1, pageSize=5000).json()
    assert len(big["Contacts"]) == 1000 and big["pagination"]["pageSize"] == 1000
    names = [row["Name"] for row in first["Contacts"]] + [
        row["Name"] for row in api.get("Contacts", page=2).json()["Contacts"]
    ]
    assert len(set(names)) == 200
    assert len(api.get("Contacts").json()["Contacts"]) == total


def test_if_modified_since_filters_every_list(api, tenant):
    long_ago = timezone.now() - timedelta(days=30)
    for model in (Contact, Account):
        model.objects.update(updated_at=long_ago)
    Contact.objects.filter(name="Office World").update(updated_at=timezone.now())
    Account.objects.filter(code="461").update(updated_at=timezone.now())
    since = {"If-Modified-Since": http_date((timezone.now() - timedelta(days=1)).timestamp())}
    assert [row["Name"] for row in api.get("Contacts", headers=since).json()["Contacts"]] == ["Office World"]
    assert [row["Code"] for row in api.get("Accounts", headers=since).json()["Accounts"]] == ["461"]
    iso = {"If-Modified-Since": (timezone.now() - timedelta(days=1)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")}
    assert [row["Name"] for row in api.get("Contacts", headers=iso).json()["Contacts"]] == ["Office World"]
    future = {"If-Modified-Since": http_date((timezone.now() + timedelta(hours=1)).timestamp())}
    for endpoint in ("Contacts", "Accounts", "TaxRates", "TrackingCategories", "Currencies", "Invoices", "Payments"):
        body = api.get(endpoint, headers=future).json()
        plural = next(key for key in body if isinstance(body[key], list))
        assert body[plural] == [], endpoint


def test_archived_contacts_only_with_include_archived(api, tenant):
    Contact.objects.filter(name="City Telecom").update(status="ARCHIVED")
    names = {row["Name"] for row in api.get("Contacts").json()["Contacts"]}
    assert "City Telecom" not in names
    names = {row["Name"] for row in api.get("Contacts", includeArchived="true").json()["Contacts"]}
    assert "City Telecom" in names


def test_a_contact_by_id(api, tenant):
    contact = Contact.objects.get(name="Office World")
    [row] = api.get(f"Contacts/{contact.contact_id}").json()["Contacts"]
    assert row["Name"] == "Office World" and row["IsSupplier"] is True and row["ContactStatus"] == "ACTIVE"
    missing = api.get("Contacts/00000000-0000-0000-0000-000000000001")
    assert missing.status_code == 404


def test_creating_contacts_needs_a_unique_name_among_active_contacts(api, tenant):
    created = api.put("Contacts", {"Contacts": [{"Name": "New Supplier Ltd", "EmailAddress": "ap@new.example"}]})
    assert created.status_code == 200
    [row] = created.json()["Contacts"]
    assert row["Name"] == "New Supplier Ltd" and row["EmailAddress"] == "ap@new.example"
    assert row["IsSupplier"] is False

    clash = api.put("Contacts", {"Contacts": [{"Name": "Office World"}]})
    assert clash.status_code == 400
    body = clash.json()
    assert body["Type"] == "ValidationException"
    assert body["Elements"][0]["ValidationErrors"] == [
        {
            "Message": "The contact name Office World is already assigned to another contact. "
            "The contact name must be unique across all active contacts."
        }
    ]
    nameless = api.put("Contacts", {"Contacts": [{"EmailAddress": "x@example.com"}]}, summarizeErrors="false")
    assert nameless.status_code == 200
    assert nameless.json()["Contacts"][0]["StatusAttributeString"] == "ERROR"
    assert Contact.objects.filter(name="Office World").count() == 1


def test_is_supplier_is_read_only_and_set_by_the_first_bill(api, tenant):
    created = api.put("Contacts", {"Name": "Fresh Ltd", "IsSupplier": True}).json()["Contacts"][0]
    assert created["IsSupplier"] is False
    assert api.put("Invoices", {"Invoices": [bill(Contact={"ContactID": created["ContactID"]})]}).status_code == 200
    [row] = api.get(f"Contacts/{created['ContactID']}").json()["Contacts"]
    assert row["IsSupplier"] is True


def test_posting_a_contact_with_its_id_updates_it(api, tenant):
    contact = Contact.objects.get(name="Northern Couriers")
    answer = api.post("Contacts", {"Contacts": [{"ContactID": str(contact.contact_id), "ContactStatus": "ARCHIVED"}]})
    assert answer.status_code == 200
    contact.refresh_from_db()
    assert contact.status == "ARCHIVED" and contact.name == "Northern Couriers"
    assert datetime.now(UTC) - contact.updated_at < timedelta(minutes=1)
