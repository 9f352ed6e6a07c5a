"""What every adapter does when it mirrors its system's master data into the core's rows."""

from django.db.models import Model


def upsert(model: type[Model], lookup: dict, values: dict) -> tuple[Model, bool]:
    """Create or update one row; saves (and reports a change) only when a value differs."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        return model.objects.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    if changed:
        row.save()
    return row, bool(changed)
