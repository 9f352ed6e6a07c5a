"""The audit trail proves it was not changed: a hash chain per organisation that `audit_verify`
walks, requests and trails that cannot be deleted, and the chain hash printed on the report."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import ProtectedError

from approvalmax.core.audit_chain import chain_verify
from approvalmax.core.models import AuditChainHead
from tests.workflows.test_audit_report import laid_out_text
from workflows import services
from workflows.audit_report import audit_report_html
from workflows.models import AuditEvent


@pytest.fixture
def decided(create_request, approver):
    request = create_request()
    services.request_approve(request_id=request.pk, user=approver, comment="Fine.")
    return request


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_every_event_joins_its_organisations_chain_and_the_chain_verifies(decided, capsys):
    events = list(AuditEvent.objects.filter(request=decided).order_by("chain_position"))
    first = events[0].chain_position  # the organisation's configuration came first
    assert first > 1 and [e.chain_position for e in events] == list(range(first, first + len(events)))
    assert all(later.previous_hash == earlier.chain_hash for earlier, later in zip(events, events[1:]))
    head = AuditChainHead.objects.get(organisation_id=decided.organisation_id)
    assert (head.length, head.last_hash) == (events[-1].chain_position, events[-1].chain_hash)

    call_command("audit_verify")
    assert "audit chains verify" in capsys.readouterr().out


@pytest.mark.audit_tampering
def test_a_raw_sql_edit_is_found_and_the_event_named(decided, capsys):
    approval = AuditEvent.objects.get(request=decided, action=AuditEvent.Action.APPROVED)
    _raw("UPDATE workflows_auditevent SET actor_label = %s WHERE id = %s", ["Somebody else", approval.pk])

    with pytest.raises(CommandError, match="do not verify"):
        call_command("audit_verify")
    said = capsys.readouterr().err
    assert f"event #{approval.chain_position} (workflows.auditevent {approval.pk})" in said
    assert "its content was changed" in said


@pytest.mark.audit_tampering
def test_a_deleted_event_is_found(decided, capsys):
    submitted = AuditEvent.objects.get(request=decided, action=AuditEvent.Action.SUBMITTED)
    _raw("DELETE FROM workflows_auditevent WHERE id = %s", [submitted.pk])

    [problem] = chain_verify()[2]
    assert problem.position == submitted.chain_position and "deleted" in problem.reason


@pytest.mark.audit_tampering
def test_deleting_the_last_event_is_found_too(decided):
    last = AuditEvent.objects.filter(request=decided).order_by("-chain_position").first()
    _raw("DELETE FROM workflows_auditevent WHERE id = %s", [last.pk])

    [problem] = chain_verify()[2]
    assert "the last were deleted" in problem.reason


@pytest.mark.audit_tampering
def test_an_event_rewritten_with_a_fresh_hash_breaks_the_link_after_it(decided):
    from approvalmax.core.audit_chain import chain_digest

    first = AuditEvent.objects.filter(request=decided).order_by("chain_position").first()
    first.message = "Rewritten"
    _raw("UPDATE workflows_auditevent SET message = %s, chain_hash = %s WHERE id = %s",
         ["Rewritten", chain_digest(first.previous_hash, first.chain_content()), first.pk])

    [problem] = chain_verify()[2]
    assert problem.position == first.chain_position + 1 and "does not follow" in problem.reason


def test_requests_and_their_trails_are_never_deleted(decided):
    with pytest.raises(ProtectedError):
        decided.delete()
    with pytest.raises(ProtectedError):
        decided.organisation.delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(request=decided).delete()


def test_the_audit_report_prints_the_chain_hash(decided):
    last = AuditEvent.objects.filter(request=decided).order_by("-chain_position").first()

    text = laid_out_text(audit_report_html(request=decided))

    assert f"event #{last.chain_position}" in text
    assert last.chain_hash in text.replace(" ", "")
