"""The Django admin shows a staff user who is not a superuser only the organisations they
administer: lists, change pages, choices and actions; another organisation's rows answer 404."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission

from approvalmax.core.admin_scope import ScopedMixin, SuperuserOnlyMixin, organisation_path
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, one_step_workflow
from workflows.models import Workflow


@pytest.fixture
def staff_administrator(organisation):
    """An administrator of the demo organisation with every model permission, but not a superuser."""
    user = UserFactory(is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    MembershipFactory(organisation=organisation, user=user, role="administrator")
    return user


@pytest.fixture
def elsewhere(db):
    other = OrganisationFactory(name="Other Ltd", slug="other")
    member = MembershipFactory(organisation=other, role="administrator").user
    return other, member, one_step_workflow(other, [member])


def test_every_admin_is_scoped_to_organisations_or_for_superusers_only():
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, SuperuserOnlyMixin):
            continue
        assert isinstance(model_admin, ScopedMixin), f"{model.__name__}'s admin is not scoped"
        assert organisation_path(model) is not None, f"{model.__name__} has no way to its organisation"
        for inline in model_admin.inlines:
            assert issubclass(inline, ScopedMixin), f"{inline.__name__} is not scoped"


def test_another_organisation_s_rows_answer_404_and_stay_out_of_lists(client, organisation, workflow,
                                                                       staff_administrator, elsewhere):
    other, member, other_workflow = elsewhere
    client.force_login(staff_administrator)

    listing = client.get("/admin/workflows/workflow/").content.decode()
    assert f"/admin/workflows/workflow/{workflow.pk}/change/" in listing
    assert f"/admin/workflows/workflow/{other_workflow.pk}/change/" not in listing
    for url in (f"/admin/workflows/workflow/{other_workflow.pk}/change/",
                f"/admin/workflows/workflowstep/{other_workflow.steps.get().pk}/change/",
                f"/admin/core/organisation/{other.pk}/change/", f"/admin/auth/user/{member.pk}/change/",
                f"/admin/core/organisation/{other.pk}/delete/"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/admin/core/organisation/{organisation.pk}/change/").status_code == 200


def test_choices_offer_only_one_s_own_organisations_and_people(client, organisation, staff_administrator, elsewhere):
    other, member, _ = elsewhere
    client.force_login(staff_administrator)

    page = client.get("/admin/workflows/substitution/add/").content.decode()

    organisations = _select(page, "organisation")
    assert f'<option value="{organisation.pk}"' in organisations and f'<option value="{other.pk}"' not in organisations
    assert f'<option value="{member.pk}"' not in _select(page, "user") + _select(page, "substitute")


def _select(page: str, name: str) -> str:
    """One select's options: ids of organisations and of people may coincide."""
    return re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)


def test_an_action_cannot_reach_another_organisation(client, staff_administrator, elsewhere):
    _, _, other_workflow = elsewhere
    client.force_login(staff_administrator)

    client.post("/admin/workflows/workflow/", {"action": "delete_selected", "_selected_action": [other_workflow.pk],
                                               "post": "yes"})

    assert Workflow.objects.filter(pk=other_workflow.pk).exists()


def test_groups_and_login_records_are_for_superusers_only(client, staff_administrator):
    client.force_login(staff_administrator)

    for url in ("/admin/auth/group/", "/admin/axes/accessattempt/", "/admin/auth/user/add/",
                "/admin/core/organisation/add/"):
        assert client.get(url).status_code == 403, url


def test_a_superuser_still_sees_everything(client, organisation, workflow, elsewhere):
    _, _, other_workflow = elsewhere
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get(f"/admin/workflows/workflow/{other_workflow.pk}/change/").status_code == 200


def test_list_filters_offer_only_ones_own_organisations(client, organisation, workflow, staff_administrator,
                                                        elsewhere):
    other, _, _ = elsewhere
    client.force_login(staff_administrator)

    for url in ("/admin/workflows/workflow/", "/admin/workflows/workflowstep/", "/admin/core/account/"):
        assert other.name not in client.get(url).content.decode(), url
