"""The register sections of the monthly committee pack: lists the committee acts on.

Each context function takes (committee, month) and returns what its template in
templates/issues/pack/ prints. When a month has more rows than fit on two pages, the section
prints the exceptions and the totals, and hands the full list to the pack as a CSV appendix
(`appendix`, or another key ending in `_appendix`: file name, header, rows) that the pack
embeds in the PDF and links.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from itertools import islice

from django.db.models import Count, Min, Q
from django.utils import timezone

from core.calendar import add_months, local_day
from issues import rules, selectors
from issues.models import (
    CHECKLIST,
    Communication,
    Issue,
    IssueAction,
    RectificationTask,
    month_bounds,
)

#: Rows each list prints, about what fits on two pages beside its section's figures; a longer
#: list prints only its exceptions, at most this many, and leaves every row to the appendix.
LIST_ROWS = {"issues": 25, "breaches": 20, "communications": 30, "overdue": 20}
#: The bands the committee sees issue by issue.
LISTED_BANDS = ("Medium", "High")


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else "—"


def _appendix(name: str, header: list[str], rows, shown: int, count: int | None = None):
    """A CSV appendix when the list (`count` rows, or `len(rows)`) is longer than what the
    section prints. `rows` may be a generator when `count` is given: it is read only when the
    pack writes the CSV, so a page that shows the section never reads every row."""
    if (len(rows) if count is None else count) <= shown:
        return None
    return {"name": name, "header": header, "rows": rows}


def _as_of(month: date):
    """A month's figures are read at its end, or now for the current month."""
    return min(month_bounds(month)[1], timezone.now())


def _matrix(open_issues) -> dict:
    """Open issues counted in the 3×3 impact × financial grid, with each cell's band: one
    GROUP BY in the database."""
    matrix = selectors.matrix_current()
    bands = matrix.band_rules()
    found = list(
        open_issues.order_by()
        .values_list("impact", "financial")
        .annotate(
            scored=Count("pk", filter=Q(score__isnull=False)),
            unscored=Count("pk", filter=Q(score__isnull=True)),
        )
    )
    counts = Counter({(impact, financial): n for impact, financial, n, _ in found})
    levels = list(rules.LEVELS.items())
    rows = []
    for financial, financial_label in reversed(levels):
        cells = []
        for impact, _ in levels:
            score = impact * financial
            cells.append(
                {
                    "score": score,
                    "band": rules.band_for(score, bands).name,
                    "count": counts[(impact, financial)],
                }
            )
        rows.append({"label": financial_label, "cells": cells})
    return {
        "columns": [label for _, label in levels],
        "rows": rows,
        "unscored": sum(n for *_, n in found),
        "version": matrix.version,
    }


def _next_due(issue_ids: list[int], as_of) -> dict[int, date]:
    """Each issue's next action or rectification task due (a London day) among those not done
    at `as_of`, read as the section's overdue figures read it: one query for each kind."""
    open_then = (
        (IssueAction.objects.not_done_at(as_of), "due_at"),
        (RectificationTask.objects.not_done_on(local_day(as_of)), "due_date"),
    )
    found: dict[int, date] = {}
    for queryset, due_field in open_then:
        rows = (
            queryset.filter(issue_id__in=issue_ids)
            .order_by()
            .values("issue_id")
            .annotate(due=Min(due_field))
            .values_list("issue_id", "due")
        )
        for issue_id, due in rows:
            day = local_day(due) if isinstance(due, datetime) else due
            found[issue_id] = min(day, found.get(issue_id, day))
    return found


def _register_rows(issues: list[Issue], new_from, new_to, as_of) -> list[dict]:
    due = _next_due([i.id for i in issues], as_of)
    return [
        {
            "issue": i,
            "new": new_from <= i.identified_at < new_to,
            "owner": _person(i.owner),
            "next_due": due.get(i.id),
        }
        for i in issues
    ]


def _register_csv_rows(listed, new_from, new_to, as_of, chunk_size: int = 2000):
    """Every listed issue as a CSV row, read a chunk at a time when the pack writes its CSV."""
    issues = listed.iterator(chunk_size=chunk_size)
    while chunk := list(islice(issues, chunk_size)):
        for r in _register_rows(chunk, new_from, new_to, as_of):
            yield [
                r["issue"].reference,
                r["issue"].title,
                r["issue"].score if r["issue"].score is not None else "",
                r["issue"].band,
                r["owner"],
                r["issue"].get_status_display(),
                r["next_due"].isoformat() if r["next_due"] else "",
                "yes" if r["new"] else "",
            ]


def issue_register_context(committee, month: date) -> dict:
    """New and open Medium/High issues with their next action due, the age profile against
    last month, the issue matrix of open issues, and overdue actions. Counted and listed in
    the database: only the rows the section prints are read (the CSV's when it is written)."""
    figures = selectors.issue_month(month)
    previous = dict(selectors.age_profile(add_months(month, -1)))
    as_of = _as_of(month)
    new_from, new_to = month_bounds(month)
    open_issues = Issue.objects.open_at(as_of)
    new = Q(identified_at__gte=new_from, identified_at__lt=new_to)
    listed = (
        open_issues.filter(Q(band__in=LISTED_BANDS) | new)
        .select_related("owner")
        .order_by("-score", "identified_at", "pk")
    )
    row_count = listed.count()
    cap = LIST_ROWS["issues"]
    printed = listed if row_count <= cap else listed.filter(band="High")
    shown = _register_rows(list(printed[:cap]), new_from, new_to, as_of)
    header = ["Reference", "Title", "Score", "Band", "Owner", "Status", "Next action due", "New"]
    cap = LIST_ROWS["overdue"]
    # The longest overdue first, in the list and in its appendix.
    figures = {
        **figures,
        "overdue_actions": figures["overdue_actions"].order_by("due_at", "pk"),
        "overdue_tasks": figures["overdue_tasks"].order_by("due_date", "pk"),
    }
    overdue_actions = list(figures["overdue_actions"][:cap])
    overdue_tasks = list(figures["overdue_tasks"][: cap - len(overdue_actions)])
    overdue_shown = len(overdue_actions) + len(overdue_tasks)
    return {
        "figures": figures,
        "month": month,
        "rows": shown,
        "row_count": row_count,
        "ages": [
            {"label": label, "count": count, "previous": previous.get(label, 0)}
            for label, count in figures["age_profile"]
        ],
        "previous_open": sum(previous.values()),
        "matrix": _matrix(open_issues),
        "overdue_actions": overdue_actions,
        "overdue_tasks": overdue_tasks,
        "overdue_shown": overdue_shown,
        "appendix": _appendix(
            f"issues-{month:%Y-%m}.csv",
            header,
            _register_csv_rows(listed, new_from, new_to, as_of),
            len(shown),
            row_count,
        ),
        "overdue_appendix": _appendix(
            f"overdue-actions-{month:%Y-%m}.csv",
            ["Issue", "Action or rectification task", "Owner", "Due"],
            _overdue_rows(figures),
            overdue_shown,
            figures["overdue_count"],
        ),
    }


def _overdue_rows(figures: dict):
    """Every overdue action, then every overdue rectification task, as CSV rows (lazily)."""
    for action in figures["overdue_actions"].iterator(chunk_size=2000):
        yield [action.issue.reference, action.get_kind_display(), "", action.due_at.isoformat()]
    for task in figures["overdue_tasks"].iterator(chunk_size=2000):
        yield [
            task.issue.reference,
            f"Task: {task.description}",
            _person(task.owner),
            task.due_date.isoformat(),
        ]


def breaches_context(committee, month: date) -> dict:
    """Each breach of the month with its description, severity and both clocks."""
    figures = selectors.breach_month(month, now=_as_of(month))
    clocks = figures["clocks"]
    cap = LIST_ROWS["breaches"]
    shown = clocks if len(clocks) <= cap else [c for c in clocks if c.missed][:cap]
    header = ["Reference", "Severity", "Identified", "Description", "Notification", "Resolution"]
    csv_rows = [
        [
            c.breach.reference,
            c.breach.get_severity_display(),
            c.breach.identified_at.isoformat(),
            c.breach.description,
            c.notification.text,
            c.resolution.text,
        ]
        for c in clocks
    ]
    return {
        "figures": figures,
        "month": month,
        "clocks": shown,
        "row_count": len(clocks),
        "appendix": _appendix(f"breaches-{month:%Y-%m}.csv", header, csv_rows, len(shown)),
    }


def communications_context(committee, month: date) -> dict:
    """Each communication of the month with its score and the framework points it missed."""
    figures = selectors.comms_month(month)
    comms = list(
        Communication.objects.sent_in(month)
        .select_related("owner")
        .order_by("quality_score", "sent_at")
    )
    rows = [
        {
            "comm": c,
            "missed": [label for field, label in CHECKLIST if not getattr(c, field)],
        }
        for c in comms
    ]
    cap = LIST_ROWS["communications"]
    shown = rows if len(rows) <= cap else [r for r in rows if r["missed"]][:cap]
    header = ["Reference", "Sent", "Subject", "Score", "Missed framework points"]
    csv_rows = [
        [
            r["comm"].reference,
            r["comm"].sent_at.isoformat(),
            r["comm"].subject,
            r["comm"].quality_score,
            "; ".join(r["missed"]),
        ]
        for r in rows
    ]
    return {
        "figures": figures,
        "month": month,
        "rows": shown,
        "row_count": len(rows),
        "appendix": _appendix(f"communications-{month:%Y-%m}.csv", header, csv_rows, len(shown)),
    }
