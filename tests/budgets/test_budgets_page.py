"""The administrators' budgets page: the policy, uploads with every problem listed, the budgets as
a file, and nobody else's organisation."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from approvalmax.budgets.models import Budget, BudgetPolicy

pytestmark = pytest.mark.django_db
GOOD = b"Account code,Tracking category,Tracking option,2026-11\n429,,,1000\n429,Region,North,400\n"


def _url(organisation, name="budgets:budgets"):
    return reverse(name, args=[organisation.slug])


def test_only_the_organisations_administrators_reach_it(client, organisation, approver, outsider, administrator):
    client.force_login(outsider)
    assert client.get(_url(organisation)).status_code == 404
    client.force_login(approver)
    assert client.get(_url(organisation)).status_code == 403
    client.force_login(administrator)
    page = client.get(_url(organisation))
    assert page.status_code == 200 and "No budgets yet" in page.content.decode()


def test_an_upload_loads_and_the_file_comes_back_in_the_same_layout(client, organisation, master_data, administrator):
    client.force_login(administrator)

    response = client.post(_url(organisation, "budgets:upload"),
                           {"file": SimpleUploadedFile("b.csv", GOOD, "text/csv")}, follow=True)

    assert "Loaded 2 monthly budget figures from b.csv" in response.content.decode()
    assert "2 monthly figures, Nov 2026 to Nov 2026, from an uploaded file" in response.content.decode()
    exported = client.get(_url(organisation, "budgets:file")).content.decode().splitlines()
    assert exported == ["Account code,Tracking category,Tracking option,2026-11", "429,,,1000.00",
                        "429,Region,North,400.00"]


def test_a_bad_upload_lists_its_problems_and_loads_nothing(client, organisation, master_data, administrator):
    client.force_login(administrator)

    response = client.post(_url(organisation, "budgets:upload"),
                           {"file": SimpleUploadedFile("b.csv", b"Account code,Tracking category,Tracking option,"
                                                                b"2026-11\n777,,,5\n", "text/csv")})

    assert response.status_code == 400
    assert "Row 2: no active expense account with the code &#x27;777&#x27;." in response.content.decode()
    assert not Budget.objects.exists()


def test_the_policy_is_saved_and_a_bad_one_is_refused(client, organisation, administrator):
    client.force_login(administrator)
    data = {"origin": "upload", "period": "quarter", "year_starts_in": "4", "basis": "gross"}

    client.post(_url(organisation), data)
    refused = client.post(_url(organisation), {**data, "period": "fortnight"})

    policy = BudgetPolicy.objects.get(organisation=organisation)
    assert (policy.origin, policy.period, policy.year_starts_in, policy.basis) == ("upload", "quarter", 4, "gross")
    assert refused.status_code == 400


def test_without_an_accounting_system_there_is_nothing_to_sync(client, organisation, administrator):
    client.force_login(administrator)

    page = client.post(_url(organisation, "budgets:sync"), follow=True).content.decode()

    assert "Budgets are read only from a connected accounting system" in page
