import os
import socket

import pytest

from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, chart_of_accounts, one_step_workflow

pytest_plugins = ["tests.xero_fixtures", "tests.quickbooks_fixtures", "tests.browser_fixtures", "tests.mail_fixtures"]

_real_connect = socket.socket.connect


def _loopback_only(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and (host in ("localhost", "::1") or host.startswith("127.") or host.startswith("/")):
        return _real_connect(self, address)
    if self.family == socket.AF_UNIX:
        return _real_connect(self, address)
    raise RuntimeError(f"Test tried to reach {address!r}: only this machine's services are allowed.")


@pytest.fixture(autouse=True)
def _no_outbound_network(monkeypatch):
    """Any connection beyond this machine fails the test (HOUSE_STYLE: tests stay local)."""
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Counters such as the Dext key throttle start from nothing in every test."""
    from django.core.cache import cache

    cache.clear()
    yield


_DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}


@pytest.fixture(autouse=True)
def _audit_chains_verify(request):
    """After every test that used the database, every audit chain it wrote still verifies
    (tests that tamper on purpose are marked `audit_tampering`)."""
    uses_db = request.node.get_closest_marker("django_db") or _DB_FIXTURES & set(request.fixturenames)
    if not uses_db or request.node.get_closest_marker("audit_tampering"):
        yield
        return
    request.getfixturevalue("_django_db_helper")
    yield
    from approvalmax.core.audit_chain import chain_verify

    problems = chain_verify()[2]
    assert not problems, f"The audit chain does not verify: {problems[0]}"


def require_service(name: str, reason: str):
    """Outside CI a missing server skips with the reason; in CI it fails loudly (INTERFACES.md §1)."""
    if os.environ.get("CI"):
        pytest.fail(f"{name} is required in CI: {reason}")
    pytest.skip(f"{name} is not available outside CI: {reason}")


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Demo Trading Ltd", slug="demo")


@pytest.fixture
def master_data(organisation):
    return chart_of_accounts(organisation)


@pytest.fixture
def approver(organisation):
    return MembershipFactory(organisation=organisation).user


@pytest.fixture
def second_approver(organisation):
    return MembershipFactory(organisation=organisation).user


@pytest.fixture
def administrator(organisation):
    return MembershipFactory(organisation=organisation, role="administrator").user


@pytest.fixture
def workflow(organisation, approver):
    return one_step_workflow(organisation, [approver])


@pytest.fixture
def create_request(organisation, master_data, workflow):
    """A bill from Dext, submitted to the organisation's workflow."""
    from tests.builders import bill_content, pdf_document
    from workflows import services

    def create(*, document=None, **overrides):
        return services.request_create(organisation=organisation, content=bill_content(master_data, **overrides),
                                       document=document or pdf_document())

    return create


@pytest.fixture
def outsider(db):
    """A member of another organisation only."""
    return MembershipFactory().user
