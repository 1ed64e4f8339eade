"""Partial updates: the one way services apply a PATCH's fields to a row."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model


def model_update(instance: Model, data: Mapping[str, Any], *, fields: Iterable[str]) -> list[str]:
    """Set on ``instance`` each field of ``data`` whose value differs from the instance's, and
    save only those columns; the names of the fields that changed, in the order of ``fields``.

    - ``fields`` are the editable fields; a key of ``data`` outside them is a programming error
      (``ValueError``): services reject what a client may not change before calling this, with
      their own error code. A field of ``fields`` absent from ``data`` is left as it is.
    - Nothing changed (every value equal, or ``data`` empty): nothing is saved, ``[]`` (falsy).
    - Something changed: one ``save(update_fields=...)`` of the changed fields, plus
      ``updated_at`` when the model has that ``auto_now`` field, so it moves with real changes
      only. Signals fire as for any save; database errors (a unique constraint...) propagate.

    The caller holds whatever lock the row needs (``select_for_update``) and the transaction."""
    editable = list(fields)
    unknown = sorted(set(data) - set(editable))
    if unknown:
        raise ValueError(f"Not editable on {type(instance).__name__}: {', '.join(unknown)}")
    changed = [name for name in editable if name in data and getattr(instance, name) != data[name]]
    if not changed:
        return []
    for name in changed:
        setattr(instance, name, data[name])
    instance.save(update_fields=[*changed, *_auto_now_field(instance, changed)])
    return changed


def _auto_now_field(instance: Model, changed: list[str]) -> list[str]:
    try:
        field = instance._meta.get_field("updated_at")
    except FieldDoesNotExist:
        return []
    return (
        ["updated_at"] if getattr(field, "auto_now", False) and "updated_at" not in changed else []
    )
