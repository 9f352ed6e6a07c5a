"""Configuration changes join the organisation's audit chain, whoever makes them and wherever:
the Django admin, our pages, or the system. Each app registers its configuration models in its
`AppConfig.ready()`; saves, deletions and many-to-many changes are then recorded as
`ConfigurationChange` rows (old value → new value), in the same transaction as the change."""

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

SECRET = "(secret changed)"


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    label: str
    via: str


SYSTEM = Actor(None, "System", "system")
current_actor: ContextVar[Actor] = ContextVar("configuration_actor", default=SYSTEM)


@dataclass(frozen=True)
class _Registration:
    organisation: Callable[[models.Model], int | None]
    ignore: frozenset[str]
    secret: frozenset[str]


_registry: dict[type[models.Model], _Registration] = {}


def _plain(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _values(instance: models.Model, registration: _Registration) -> dict:
    return {field.attname: _plain(getattr(instance, field.attname)) for field in instance._meta.concrete_fields
            if field.name not in registration.ignore and field.attname not in registration.ignore
            and not field.primary_key}


def _record(instance: models.Model, organisation_id: int | None, action: str, changes: dict) -> None:
    from approvalmax.core.models import ConfigurationChange

    if organisation_id is None:
        return
    actor = current_actor.get()
    ConfigurationChange.objects.create(
        organisation_id=organisation_id, subject_type=instance._meta.label_lower, subject_id=str(instance.pk),
        subject_label=str(instance)[:300], action=action, changes=changes, actor_id=actor.user_id,
        actor_label=actor.label, via=actor.via)


def _masked(registration: _Registration, name: str, before, after) -> list:
    return [SECRET, SECRET] if name in registration.secret else [before, after]


def _before_save(sender, instance, raw=False, **kwargs) -> None:
    registration = _registry[sender]
    instance._configuration_before = None
    if instance.pk is not None and not raw:
        stored = sender._base_manager.filter(pk=instance.pk).first()
        instance._configuration_before = _values(stored, registration) if stored else None


def _after_save(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return
    registration = _registry[sender]
    after = _values(instance, registration)
    before = getattr(instance, "_configuration_before", None)
    if created or before is None:
        changes = {name: _masked(registration, name, None, value) for name, value in after.items()
                   if value not in (None, "")}
        _record(instance, registration.organisation(instance), "created", changes)
        return
    changes = {name: _masked(registration, name, before.get(name), value) for name, value in after.items()
               if before.get(name) != value}
    if changes:
        _record(instance, registration.organisation(instance), "changed", changes)


def _before_delete(sender, instance, **kwargs) -> None:
    # Resolved now: by post_delete, a cascade may already have removed the rows the lookup needs.
    instance._configuration_organisation = _registry[sender].organisation(instance)


def _after_delete(sender, instance, **kwargs) -> None:
    registration = _registry[sender]
    changes = {name: _masked(registration, name, value, None) for name, value in
               _values(instance, registration).items() if value not in (None, "")}
    _record(instance, getattr(instance, "_configuration_organisation", None), "deleted", changes)


def _m2m_changed(sender, instance, action, model, pk_set, **kwargs) -> None:
    owner = type(instance)
    if owner not in _registry or action not in ("post_add", "post_remove", "pre_clear"):
        return
    field = next(f.name for f in owner._meta.many_to_many if f.remote_field.through is sender)
    if action == "pre_clear":
        pk_set = set(getattr(instance, field).values_list("pk", flat=True))
    if not pk_set:
        return
    labels = sorted(str(o) for o in model._base_manager.filter(pk__in=pk_set))
    verb = "added" if action == "post_add" else "removed"
    _record(instance, _registry[owner].organisation(instance), "changed", {field: {verb: labels}})


def audit_configuration(model: type[models.Model], *, organisation: Callable[[models.Model], int | None],
                        ignore: tuple[str, ...] = (), secret: tuple[str, ...] = ()) -> None:
    """Record every change to `model`'s rows in the chain of the organisation `organisation` names.
    `ignore`: fields that change by themselves (timestamps, sync state); `secret`: recorded as
    changed, never with their values."""
    _registry[model] = _Registration(organisation, frozenset(ignore), frozenset(secret))
    uid = f"configuration-audit-{model._meta.label_lower}"
    pre_save.connect(_before_save, sender=model, dispatch_uid=f"{uid}-pre-save")
    post_save.connect(_after_save, sender=model, dispatch_uid=f"{uid}-post-save")
    pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"{uid}-pre-delete")
    post_delete.connect(_after_delete, sender=model, dispatch_uid=f"{uid}-post-delete")
    for field in model._meta.many_to_many:
        m2m_changed.connect(_m2m_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}")
