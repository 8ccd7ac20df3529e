"""The register sections of the monthly committee pack: lists the committee acts on.

Each context function takes (committee, month) and returns what its template in
templates/issues/pack/ prints. When a month has more rows than fit on two pages, the section
prints the exceptions and the totals, and hands the full list to the pack as a CSV appendix
(`appendix`, or another key ending in `_appendix`: file name, header, rows) that the pack
embeds in the PDF and links.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import Min, Q
from django.utils import timezone

from core.calendar import add_months
from issues import rules, selectors
from issues.models import CHECKLIST, Communication, Issue, month_bounds

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


def _open_at(as_of):
    return Issue.objects.filter(identified_at__lt=as_of).filter(
        Q(resolved_at__isnull=True) | Q(resolved_at__gte=as_of)
    )


def _matrix(issues: list[Issue]) -> dict:
    """Open issues counted in the 3×3 impact × financial grid, with each cell's band."""
    matrix = selectors.matrix_current()
    bands = matrix.band_rules()
    counts = Counter((i.impact, i.financial) for i in issues if i.score is not None)
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
        "unscored": sum(1 for i in issues if i.score is None),
        "version": matrix.version,
    }


def issue_register_context(committee, month: date) -> dict:
    """New and open Medium/High issues with their next action due, the age profile against
    last month, the issue matrix of open issues, and overdue actions."""
    figures = selectors.issue_month(month)
    previous = dict(selectors.issue_month(add_months(month, -1))["age_profile"])
    as_of = _as_of(month)
    open_issues = list(
        _open_at(as_of)
        .select_related("owner")
        .annotate(
            next_action_due=Min("actions__due_at", filter=Q(actions__done_at__isnull=True)),
            next_task_due=Min("tasks__due_date", filter=Q(tasks__done_date__isnull=True)),
        )
        .order_by("-score", "identified_at")
    )
    new_ids = set(Issue.objects.identified_in(month).values_list("id", flat=True))
    listed = [i for i in open_issues if i.band in LISTED_BANDS or i.id in new_ids]
    rows = [
        {
            "issue": i,
            "new": i.id in new_ids,
            "owner": _person(i.owner),
            "next_due": min(
                (d for d in (i.next_action_due and i.next_action_due.date(), i.next_task_due) if d),
                default=None,
            ),
        }
        for i in listed
    ]
    cap = LIST_ROWS["issues"]
    shown = rows if len(rows) <= cap else [r for r in rows if r["issue"].band == "High"][:cap]
    header = ["Reference", "Title", "Score", "Band", "Owner", "Status", "Next action due", "New"]
    csv_rows = [
        [
            r["issue"].reference,
            r["issue"].title,
            r["issue"].score if r["issue"].score is not None else "",
            r["issue"].band,
            r["owner"],
            r["issue"].get_status_display(),
            r["next_due"].isoformat() if r["next_due"] else "",
            "yes" if r["new"] else "",
        ]
        for r in rows
    ]
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
        "row_count": len(rows),
        "ages": [
            {"label": label, "count": count, "previous": previous.get(label, 0)}
            for label, count in figures["age_profile"]
        ],
        "previous_open": sum(previous.values()),
        "matrix": _matrix(open_issues),
        "overdue_actions": overdue_actions,
        "overdue_tasks": overdue_tasks,
        "overdue_shown": overdue_shown,
        "appendix": _appendix(f"issues-{month:%Y-%m}.csv", header, csv_rows, len(shown)),
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
