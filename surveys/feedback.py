"""Writes of "You said, we did" items: what customers said and what was done about it."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from core.models import Organisation
from core.writes import model_create, model_update
from surveys.models import Round, YouSaidWeDid

#: The fields a person edits (the form's fields and the ones a stale edit shows).
FEEDBACK_FIELDS = (
    "raised_on",
    "source",
    "round",
    "organisation",
    "you_said",
    "we_did",
    "owner",
    "status",
    "outcome",
)


@transaction.atomic
def feedback_create(
    *,
    raised_on: date,
    you_said: str,
    owner: str,
    source: str = YouSaidWeDid.Source.SURVEY,
    round: Round | None = None,
    organisation: Organisation | None = None,
    we_did: str = "",
    status: str = "open",
    outcome: str = "",
    user=None,
) -> YouSaidWeDid:
    """Log a piece of customer feedback and (when known) what was done about it."""
    data = {
        "raised_on": raised_on,
        "source": source,
        "round": round,
        "organisation": organisation,
        "you_said": you_said,
        "we_did": we_did,
        "owner": owner,
        "status": status,
        "outcome": outcome,
    }
    return model_create(model=YouSaidWeDid, data=data, by=user)


def feedback_update(
    *, item: YouSaidWeDid, version: int | None, user=None, **changes
) -> YouSaidWeDid:
    """Change a feedback item; StaleVersion (with its current values) when someone saved it
    since `version`."""
    unknown = sorted(set(changes) - set(FEEDBACK_FIELDS))
    if unknown:
        raise TypeError(f"feedback_update() got unexpected fields {unknown}")
    # Read afresh: a model form has already copied its input onto the instance it was given.
    current = YouSaidWeDid.objects.get(pk=item.pk)
    current, _changed = model_update(
        instance=current, fields=FEEDBACK_FIELDS, data=changes, version=version, by=user
    )
    return current
