"""`make run` loads the demo with `demo_load`; running it again must be safe."""

import io
import re

from django.contrib.auth import get_user_model
from django.core.management import call_command

from approvalmax.core.models import Organisation
from dext_integration.models import DextConnection
from workflows.models import WorkflowStep


def _load() -> str:
    out = io.StringIO()
    call_command("demo_load", stdout=out)
    return out.getvalue()


def test_demo_load_twice_leaves_one_organisation_and_one_working_key(db, client):
    first = _load()
    second = _load()

    assert Organisation.objects.filter(slug="demo").count() == 1
    assert get_user_model().objects.filter(username__in=["admin", "amy", "ben"]).count() == 3
    step = WorkflowStep.objects.get(workflow__organisation__slug="demo")
    assert sorted(step.approvers.values_list("username", flat=True)) == ["amy", "ben"]
    assert DextConnection.objects.filter(revoked_at__isnull=True).count() == 1

    old_key, new_key = (re.search(r"\n    (amxd_\S+)\n", text).group(1) for text in (first, second))
    assert client.get("/api/dext/v1/cost-items/x/", HTTP_AUTHORIZATION=f"Bearer {old_key}").status_code == 401
    assert client.get("/api/dext/v1/cost-items/x/", HTTP_AUTHORIZATION=f"Bearer {new_key}").status_code == 404
    for login in ("admin", "amy", "ben", "demo-pass-2026", "http://127.0.0.1:8000/"):
        assert login in second
