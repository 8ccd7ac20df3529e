"""How the portal words what it shows: people, empty choices, lengths of time.

Django names a user by username and offers "---------" as an empty choice, in forms, tables,
history and the admin alike. Setting both once here, when the apps are ready, reaches every one
of those places; a form field or template per page would miss some.
"""

from datetime import timedelta

#: The empty choice of a form's select: it asks for a choice.
CHOOSE = "Choose…"


def person_name(user) -> str:
    """A person as the portal names them: full name, else username."""
    return user.get_full_name() or user.username


def install() -> None:
    """Name users by full name and empty choices "Choose…" everywhere Django renders them."""
    from django.contrib.auth import get_user_model
    from django.db.models import fields
    from django.forms import ModelChoiceField

    get_user_model().__str__ = person_name
    fields.BLANK_CHOICE_DASH[:] = [("", CHOOSE)]  # the default of every Field.get_choices
    ModelChoiceField.__init__.__kwdefaults__["empty_label"] = CHOOSE


def duration_words(delta: timedelta) -> str:
    """A length of time as people say it: "45 min", "2 h 30 min", "3 days 4 h" (never negative;
    under a minute reads "0 min")."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        day_words = f"{days} day{'s' if days != 1 else ''}"
        return f"{day_words} {hours} h" if hours else day_words
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def business_days_overdue(days: int) -> str:
    """How late something is in business days: "1 business day overdue"."""
    return f"{days} business day{'s' if days != 1 else ''} overdue"
