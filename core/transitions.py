"""Status transitions (django-fsm-2) as services call them: a refused one is an
ApplicationError (409 on a page or in the API), never a TransitionNotAllowed escaping as a 500."""

from __future__ import annotations

from django.db import models
from django_fsm import TransitionNotAllowed

from core.errors import ApplicationError

NOT_ALLOWED = "This {model} is {status}: it cannot be {action} now."


def apply_transition(instance: models.Model, name: str, *args, message: str = "", **kwargs):
    """Call the @transition method `name` of `instance`; refuse with `message` (formatted
    with `status`, the current status's label) when its current status does not allow it."""
    try:
        return getattr(instance, name)(*args, **kwargs)
    except TransitionNotAllowed:
        status = instance.get_status_display().lower()
        text = message or NOT_ALLOWED.format(
            model=instance._meta.verbose_name, status="{status}", action=name.replace("_", " ")
        )
        raise ApplicationError(text.format(status=status), field="status") from None
