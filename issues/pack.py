"""The register sections of the monthly committee pack: lists the committee acts on.

Each context function takes (committee, month) and returns what its template in
templates/issues/pack/ prints. When a month has more rows than fit on two pages, the section
prints the exceptions and the totals, and hands the full list to the pack as a CSV appendix
(`appendix`: file name, header, rows) that the pack embeds in the PDF and links.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import Min, Q
from django.utils import timezone

from core.calendar import add_months
from issues import rules, selectors
from issues.models import CHECKLIST, Communication, Issue, month_bounds

#: Rows a list prints before it shows only exceptions and leaves the rest to the appendix.
MAX_ROWS = 30
#: The bands the committee sees issue by issue.
LISTED_BANDS = ("Medium", "High")


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else "—"


def _appendix(name: str, header: list[str], rows: list[list], shown: int) -> dict | None:
    """A CSV appendix when the list is longer than what the section prints."""
    if len(rows) <= shown:
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
    shown = rows if len(rows) <= MAX_ROWS else [r for r in rows if r["issue"].band == "High"]
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
    return {
        "figures": figures,
        "month": month,
        "rows": shown[:MAX_ROWS],
        "row_count": len(rows),
        "ages": [
            {"label": label, "count": count, "previous": previous.get(label, 0)}
            for label, count in figures["age_profile"]
        ],
        "previous_open": sum(previous.values()),
        "matrix": _matrix(open_issues),
        "overdue_actions": figures["overdue_actions"][:MAX_ROWS],
        "overdue_tasks": figures["overdue_tasks"][:MAX_ROWS],
        "appendix": _appendix(f"issues-{month:%Y-%m}.csv", header, csv_rows, len(shown)),
    }


def breaches_context(committee, month: date) -> dict:
    """Each breach of the month with its description, severity and both clocks."""
    figures = selectors.breach_month(month, now=_as_of(month))
    clocks = figures["clocks"]
    shown = clocks if len(clocks) <= MAX_ROWS else [c for c in clocks if c.missed][:MAX_ROWS]
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
    shown = rows if len(rows) <= MAX_ROWS else [r for r in rows if r["missed"]][:MAX_ROWS]
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
