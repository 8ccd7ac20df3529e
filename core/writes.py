"""The one way a service changes a versioned record (HackSoft's `model_update` shape).

A versioned model has a `version` integer that every write moves on by one. A write names the
version its author last read; the version is claimed in the same UPDATE that checks it, so of two
saves from the same version exactly one wins and the other is refused with the record's current
values (`core.errors.StaleVersion`), whatever the database. The history row is stamped with the
acting user (`by=`) and the reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F

from core.errors import StaleVersion

M = TypeVar("M", bound=models.Model)


def current_values(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """`fields` of `instance` as a person reads them (choice labels, not codes)."""
    values = {}
    for name in fields:
        display = getattr(instance, f"get_{name}_display", None)
        values[name] = display() if callable(display) else getattr(instance, name)
    return values


def claim_version(instance: M, version: int | None, *, shown: Iterable[str] = ()) -> M:
    """Move `instance`'s version on by one in the database, or raise StaleVersion.

    `version` None means the caller read no version (a record created meanwhile, a form
    without one): refused like any stale write. The row stays locked to this transaction until
    it commits (the UPDATE takes the lock), so call it inside `transaction.atomic`. Returns the
    instance with its version moved on; on a refusal the error carries `shown` of the current
    row.
    """
    model = type(instance)
    claimed = version is not None and model._default_manager.filter(
        pk=instance.pk, version=version
    ).update(version=F("version") + 1)
    if not claimed:
        current = model._default_manager.get(pk=instance.pk)
        raise StaleVersion(
            yours=version, theirs=current.version, current=current_values(current, shown)
        )
    instance.version = version + 1
    return instance


def model_update(
    *,
    instance: M,
    fields: Iterable[str],
    data: dict[str, Any],
    version: int | None,
    by=None,
    reason: str | None = None,
    shown: Iterable[str] | None = None,
) -> tuple[M, bool]:
    """Set `fields` of `instance` from `data`, validate and save them under a claimed version.

    Returns (instance, changed). Nothing is claimed or saved when no field changes. Raises
    StaleVersion when `version` is not the record's, ValidationError when the values are bad
    (nothing saved either way).
    """
    fields = [f for f in fields if f in data]
    changed = [f for f in fields if getattr(instance, f) != data[f]]
    if not changed:
        if version is not None and version != instance.version:
            claim_version(instance, version, shown=shown if shown is not None else fields)
        return instance, False
    with transaction.atomic():
        claim_version(instance, version, shown=shown if shown is not None else fields)
        for name in changed:
            setattr(instance, name, data[name])
        instance.full_clean()
        stamp_history(instance, by=by, reason=reason)
        instance.save(update_fields=[*changed, "version", *auto_now_fields(instance)])
    return instance, True


def auto_now_fields(instance: models.Model) -> list[str]:
    """The `auto_now` fields (an `updated_at`): a save with update_fields writes them only
    when named."""
    return [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]


def model_create(*, model: type[M], data: dict[str, Any], by=None, reason=None) -> M:
    """A new record from `data`, validated, saved with version 1 and a history row by `by`."""
    instance = model(**data)
    if hasattr(instance, "version") and not instance.version:
        instance.version = 1
    instance.full_clean()
    stamp_history(instance, by=by, reason=reason)
    instance.save()
    return instance


def stamp_history(instance: models.Model, *, by=None, reason: str | None = None) -> None:
    """Tell django-simple-history who made the next save and why."""
    if by is not None and getattr(by, "is_authenticated", False):
        instance._history_user = by
    instance._change_reason = reason


def validation_messages(error: ValidationError) -> str:
    """All of a ValidationError's messages in one sentence, for a message above a form."""
    return " ".join(error.messages)
