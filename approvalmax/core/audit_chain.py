"""Tamper-evident audit trails: one hash chain per organisation.

Every chained record (a request's audit event, a configuration change) takes the next position
in its organisation's chain and stores SHA-256(previous hash + its canonical content). Changing
a stored record breaks its own hash; deleting one leaves a gap in the positions, or a head that
no longer matches the last record. `chain_verify` walks every chain and names the first record
that does not verify (`manage.py audit_verify`)."""

import hashlib
import heapq
import json
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone

GENESIS = "0" * 64


def canonical(content: dict) -> bytes:
    def plain(value):
        if isinstance(value, datetime):
            return value.isoformat()
        return str(value)

    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=plain).encode()


def chain_digest(previous_hash: str, content: dict) -> str:
    return hashlib.sha256(previous_hash.encode() + b"\n" + canonical(content)).hexdigest()


class ChainedRecord(models.Model):
    """A record that joins its organisation's chain when first saved, and never changes after."""

    chain_organisation_field = "organisation_id"

    chain_position = models.PositiveBigIntegerField(default=0, editable=False)
    previous_hash = models.CharField(max_length=64, default="", editable=False)
    chain_hash = models.CharField(max_length=64, default="", editable=False)

    class Meta:
        abstract = True

    def chain_content(self) -> dict:
        """Everything the record says, as plain values: what the hash covers."""
        raise NotImplementedError

    def chain_organisation_id(self) -> int:
        return self.organisation_id

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The audit trail is append-only.")
        if getattr(self, "created_at", None) is None:
            self.created_at = timezone.now()
        # Part of the writer's transaction (no savepoint of its own: a failure here fails the
        # change it records).
        with transaction.atomic(savepoint=False):
            head = _locked_head(self.chain_organisation_id())
            self.chain_position = head.length + 1
            self.previous_hash = head.last_hash
            self.chain_hash = chain_digest(self.previous_hash, self.chain_content())
            super().save(*args, **kwargs)
            type(head).objects.filter(pk=head.pk).update(length=self.chain_position, last_hash=self.chain_hash)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit trail is append-only.")


def _locked_head(organisation_id: int):
    """The organisation's chain head, locked; created once, on the organisation's first record."""
    from approvalmax.core.models import AuditChainHead

    heads = AuditChainHead.objects.select_for_update()
    head = heads.filter(organisation_id=organisation_id).first()
    if head is None:
        AuditChainHead.objects.bulk_create([AuditChainHead(organisation_id=organisation_id)], ignore_conflicts=True)
        head = heads.get(organisation_id=organisation_id)
    return head


def chain_append(records: list[ChainedRecord]) -> None:
    """Records of one model and one organisation joining its chain together, in their order: the
    head is locked and moved once for all of them, and they are inserted in one statement."""
    if not records:
        return
    with transaction.atomic(savepoint=False):
        head = _locked_head(records[0].chain_organisation_id())
        position, previous = head.length, head.last_hash
        for record in records:
            # A record made before its request was first saved takes the request's id now, as
            # bulk_create would, so that the hash covers it.
            record._prepare_related_fields_for_save(operation_name="chain_append")
            if getattr(record, "created_at", None) is None:
                record.created_at = timezone.now()
            position += 1
            record.chain_position, record.previous_hash = position, previous
            record.chain_hash = previous = chain_digest(previous, record.chain_content())
        type(records[0]).objects.bulk_create(records)
        type(head).objects.filter(pk=head.pk).update(length=position, last_hash=previous)


def chained_models() -> list[type[ChainedRecord]]:
    return [model for model in apps.get_models() if issubclass(model, ChainedRecord)]


@dataclass(frozen=True)
class ChainProblem:
    organisation_id: int
    position: int
    record: str
    reason: str

    def __str__(self) -> str:
        return f"Organisation {self.organisation_id}, event #{self.position} ({self.record}): {self.reason}"


def _records(model, organisation_id: int):
    for record in model._base_manager.filter(**{model.chain_organisation_field: organisation_id}) \
            .order_by("chain_position").iterator(chunk_size=2000):
        yield record.chain_position, f"{model._meta.label_lower} {record.pk}", record


def _verify_one(organisation_id: int, length: int, last_hash: str) -> ChainProblem | None:
    streams = [_records(model, organisation_id) for model in chained_models()]
    expected_position, previous = 1, GENESIS
    for position, label, record in heapq.merge(*streams, key=lambda item: item[0]):
        if position != expected_position:
            reason = (f"event #{expected_position} is missing: it was deleted" if position > expected_position
                      else "two events claim this position")
            return ChainProblem(organisation_id, expected_position if position > expected_position else position,
                                label, reason)
        if record.previous_hash != previous:
            return ChainProblem(organisation_id, position, label, "it does not follow the event before it")
        if chain_digest(record.previous_hash, record.chain_content()) != record.chain_hash:
            return ChainProblem(organisation_id, position, label, "its content was changed after it was written")
        previous, expected_position = record.chain_hash, position + 1
    written = expected_position - 1
    if written < length:
        return ChainProblem(organisation_id, expected_position, "(end of chain)",
                            f"the chain has {length} events but only {written} remain: the last were deleted")
    if written > length or previous != last_hash:
        return ChainProblem(organisation_id, written, "(end of chain)", "the chain head does not match its last event")
    return None


def chain_verify() -> tuple[int, int, list[ChainProblem]]:
    """(chains, events, problems): the first problem of each organisation's chain."""
    from approvalmax.core.models import AuditChainHead

    problems, events = [], 0
    heads = list(AuditChainHead.objects.order_by("organisation_id").values_list("organisation_id", "length",
                                                                                 "last_hash"))
    known = {organisation_id for organisation_id, _, _ in heads}
    for model in chained_models():
        orphans = (model._base_manager.exclude(**{f"{model.chain_organisation_field}__in": known})
                   .values_list(model.chain_organisation_field, flat=True).distinct())
        problems += [ChainProblem(pk, 0, model._meta.label_lower, "its chain head was deleted") for pk in orphans]
    for organisation_id, length, last_hash in heads:
        problem = _verify_one(organisation_id, length, last_hash)
        if problem:
            problems.append(problem)
        events += length
    return len(heads), events, problems
