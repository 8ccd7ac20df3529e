"""Records as they stood at a moment, from their django-simple-history rows."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Model, OuterRef, QuerySet, Subquery


def as_of(model: type[Model], moment: datetime) -> QuerySet:
    """`model`'s records as they stood at `moment`: each record's last history row by then, as
    model instances (a record deleted by then is left out). Unlike simple-history's own
    `as_of`, two rows of one record saved at the same instant give the later-written one, not
    both (its `latest_of_each` keeps every row that no row is strictly later than)."""
    rows = model.history.filter(history_date__lte=moment)
    pk = model._meta.pk.attname
    last = (
        rows.filter(**{pk: OuterRef(pk)})
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    return rows.filter(history_id=Subquery(last)).as_instances()
