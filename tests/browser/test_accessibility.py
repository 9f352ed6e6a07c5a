"""axe-core on every page a person reaches: the navigation's pages for an administrator, a
request's page before and after a decision (with its flash message), the inbox and its result
page, the login page, the members page, the notifications, and the Django admin a staff
administrator uses. No critical or serious violation."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from approvalmax.members import services as members
from tests import files
from tests.browser_fixtures import axe_violations, log_in
from tests.builders import bill_content, pdf_document
from workflows import services
from workflows.models import Workflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _check(page, url: str, problems: dict) -> None:
    response = page.goto(url)
    assert response.ok, f"{url} answered {response.status}"  # a page, not an error page
    _found(page, url, problems)


def _found(page, where: str, problems: dict) -> None:
    found = axe_violations(page)
    if found:
        problems[where] = found


def test_every_page_has_no_serious_violation(a11y_page, live_server, organisation, master_data, workflow,
                                             approver, administrator):
    page, problems = a11y_page, {}
    workflow.steps.get().approvers.add(administrator)
    request = services.request_create(organisation=organisation, content=bill_content(master_data),
                                      document=pdf_document())
    _check(page, f"{live_server.url}/login/", problems)
    log_in(page, live_server, administrator)

    links = page.locator("header nav a").evaluate_all("links => links.map(a => a.href)")
    detail = f"{live_server.url}{reverse('workflows:request_detail', args=[request.public_id])}"
    for url in [*links, detail, f"{live_server.url}/requests/?q=Acme&state=on_approval",
                f"{live_server.url}/notifications/preferences/", f"{live_server.url}/sandbox/mail/"]:
        _check(page, url, problems)

    page.goto(detail)
    page.get_by_role("button", name="Approve", exact=True).click()  # the page with its flash message
    _found(page, "after approving", problems)

    services.request_create(organisation=organisation, document=pdf_document(data=files.pdf(text_size=300)),
                            content=bill_content(master_data, source_reference="A-2", invoice_number="A-2"))
    page.goto(f"{live_server.url}{reverse('workflows:inbox')}")
    page.get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Approve chosen").click()  # the bulk result page
    _found(page, "bulk result", problems)

    invitation = members.invitation_create(organisation=organisation, email="new@example.com", role="approver",
                                           invited_by=administrator)
    page.context.clear_cookies()
    _check(page, f"{live_server.url}{reverse('members:accept', args=[members.invitation_token(invitation)])}",
           problems)

    assert problems == {}, "\n".join(f"{url}: {line}" for url, lines in problems.items() for line in lines)


def test_the_admin_a_staff_administrator_uses_has_no_serious_violation(a11y_page, live_server, organisation,
                                                                       workflow, administrator):
    administrator.is_staff = True
    administrator.save()
    administrator.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["workflows", "core"]))
    page, problems = a11y_page, {}
    log_in(page, live_server, administrator)

    flow = Workflow.objects.get(pk=workflow.pk)
    for path in ["/admin/", "/admin/workflows/workflow/", f"/admin/workflows/workflow/{flow.pk}/change/",
                 f"/admin/workflows/workflowstep/{flow.steps.get().pk}/change/", f"/admin/core/organisation/{organisation.pk}/change/", "/admin/core/account/",
                 "/admin/workflows/substitution/add/", "/admin/workflows/approvalrequest/",
                 "/admin/core/configurationchange/"]:
        _check(page, f"{live_server.url}{path}", problems)

    assert problems == {}, "\n".join(f"{url}: {line}" for url, lines in problems.items() for line in lines)
