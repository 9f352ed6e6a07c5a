"""`make run` loads the demo with `demo_load`; running it again must be safe."""

import io
import re

from django.contrib.auth import get_user_model
from django.core.management import call_command

from approvalmax.core.models import Organisation
from dext_integration.models import DextConnection
from quickbooks_integration.sandbox.models import Company
from workflows.models import WorkflowStep

KEY = r"Dext API key for {name} \({system}\):\n    (amxd_\S+)\n"


def _load() -> str:
    out = io.StringIO()
    call_command("demo_load", stdout=out)
    return out.getvalue()


def _key(text: str, name: str, system: str) -> str:
    return re.search(KEY.format(name=name, system=system), text).group(1)


def test_demo_load_twice_leaves_two_organisations_and_one_working_key_each(db, client):
    first = _load()
    second = _load()

    assert sorted(Organisation.objects.values_list("slug", flat=True)) == ["demo", "demo-services"]
    assert get_user_model().objects.filter(username__in=["admin", "amy", "ben"]).count() == 3
    for slug in ("demo", "demo-services"):
        step = WorkflowStep.objects.get(workflow__organisation__slug=slug)
        assert sorted(step.approvers.values_list("username", flat=True)) == ["amy", "ben"]
    assert DextConnection.objects.filter(revoked_at__isnull=True).count() == 2
    assert Company.objects.get().name == "Demo Services Ltd"

    for name, system in (("Demo Trading Ltd", "Xero"), ("Demo Services Ltd", "QuickBooks Online")):
        old_key, new_key = _key(first, name, system), _key(second, name, system)
        assert client.get("/api/dext/v1/cost-items/x/", HTTP_AUTHORIZATION=f"Bearer {old_key}").status_code == 401
        assert client.get("/api/dext/v1/cost-items/x/", HTTP_AUTHORIZATION=f"Bearer {new_key}").status_code == 404
    for login in ("admin", "amy", "ben", "demo-pass-2026", "http://127.0.0.1:8000/"):
        assert login in second


def test_the_dext_sandbox_can_publish_to_either_organisation(db, settings):
    from dext_integration.sandbox.models import SandboxLink

    _load()

    links = SandboxLink.objects.order_by("-linked_at")
    assert [link.name for link in links] == ["Demo Trading Ltd", "Demo Services Ltd"]  # publishing to the first
    prefix = DextConnection._meta.get_field("key_prefix").max_length
    for link in links:
        live = DextConnection.objects.get(key_prefix=link.api_key[:prefix], revoked_at__isnull=True)
        assert live.organisation.name == link.name
