"""The one expected-failure type of every service, and the messages every app shares.

A service raises `ApplicationError` when the record's current state refuses a request: a gate,
a locked month, a stale version. Pages show its message on the form (answering 409); the API
answers 409 with it (`core.api.exception_handler`). A model's ValidationError stays a 400.
"""

from __future__ import annotations

from typing import Any

STALE_VERSION = (
    "Someone else changed this record while you were editing it (you had version {yours}, it "
    "is now {theirs}). Their values are shown; make your change again on top of them."
)
VERSION_NEEDED = (
    "Send the version you last read (the `version` field or an If-Match header): "
    "changes to an existing record need it."
)

#: The code of a field error on a well-formed value that names nothing there is to act on (a
#: month before the first one anything reports); the API answers it 422, as it answers a
#: reference to a record that does not exist: no schema can say which months report.
NOTHING_TO_REPORT = "nothing_to_report"


class ApplicationError(Exception):
    """An expected refusal with a message the user can act on.

    `field` names the input the message is about (None: the request as a whole); `current`
    holds the record's current values when the refusal is a conflict, so a form or a client
    can show them beside what the user typed.
    """

    def __init__(
        self, message: str, *, field: str | None = None, current: dict[str, Any] | None = None
    ):
        super().__init__(message)
        self.message = message
        self.field = field
        self.current = current or {}

    def __str__(self) -> str:
        return self.message


class StaleVersion(ApplicationError):
    """A write based on a version that is no longer the record's."""

    def __init__(self, *, yours: int | None, theirs: int, current: dict[str, Any] | None = None):
        super().__init__(
            STALE_VERSION.format(yours=yours if yours is not None else "none", theirs=theirs),
            field="version",
            current=current,
        )
        self.yours = yours
        self.theirs = theirs


DATABASE_BUSY = (
    "The database is busy with another change and nothing was saved. Try again in a moment."
)


def database_is_locked(error: BaseException) -> bool:
    """SQLite's "database is locked": another writer held the lock longer than the timeout.
    Transient, nothing written; any other database error is a real fault and stays one."""
    from django.db import OperationalError

    return isinstance(error, OperationalError) and "database is locked" in str(error)
