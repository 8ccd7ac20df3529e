"""Demo registers for the KVI year 2020/21, so November 2020 reads as the seed documents do:

- 3 Low breaches in November 2020, all on time ("There were 3 low breaches only": Green);
- communications scored from their framework checklists (issues/comms_weights.py): 9.7 in
  November (10.0, 10.0, 9.1), 8.3 in October (a 1.4 increase) and a KVI-year-to-date mean of 8.1
  over April–November ("Met Expectations");
- ten AQ defects identified in November, nine of them by the provider (90 %), all scored;
- open issues of every age band at the end of November, one with an overdue rectification task.

The records are in demo_data/*.json (times in London). Idempotent: every record is found by its
title, description or subject before it is created.
"""

import json
from datetime import date, datetime, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from core.calendar import LONDON
from core.models import ClosureDay, Organisation
from issues import services
from issues.models import CHECKLIST, Breach, Communication, Issue, RectificationTask

DATA = Path(__file__).parent / "demo_data"
#: Who every demo communication goes to, and the lists it names.
RECIPIENTS = ("NGS", "SES", "EDN")
DISTRIBUTION_LISTS = "DSC contract managers; Shipper constituency"


def _rows(name: str) -> list[dict]:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


@transaction.atomic
def load(stdout=None) -> None:
    """Create the demo registers (needs core.demo's organisations and the 'ops' user)."""
    ops = get_user_model().objects.get(username="ops")
    orgs = {o.short_name: o for o in Organisation.objects.all()}
    ClosureDay.objects.get_or_create(
        day=date(2020, 12, 24), defaults={"reason": "Christmas Eve office closure"}
    )
    for row in _rows("issues"):
        _issue(ops, orgs, row)
    for row in _rows("breaches"):
        if not Breach.objects.filter(description=row["description"]).exists():
            _breach(ops, orgs, row)
    for row in _rows("communications"):
        if not Communication.objects.filter(subject=row["subject"]).exists():
            _communication(ops, orgs, row)


def _issue(ops, orgs, row: dict) -> None:
    if Issue.objects.filter(title=row["title"]).exists():
        return
    at = _at(row["identified_at"])
    issue = services.issue_create(
        title=row["title"],
        description=f"{row['title']}. Found through assurance reporting and MI.",
        internal_notes="Tracked in the AQ taskforce stand-up.",
        category=row["category"],
        identified_by=row["identified_by"],
        identified_at=at,
        owner=ops,
        affected_customers=[orgs[c] for c in row["customers"]],
        mprns_affected=row["mprns_affected"],
        impact=row["impact"],
        financial=row["financial"],
        by=ops,
        scored_at=at + timedelta(hours=1),
    )
    for action in issue.actions.all():
        # Every required action met on time, so November's figures are clean.
        services.issue_action_complete(action=action, done_at=at + timedelta(hours=3), by=ops)
    for task in row.get("tasks", []):
        if not RectificationTask.objects.filter(
            issue=issue, description=task["description"]
        ).exists():
            done = task["done_date"]
            services.task_create(
                issue=issue,
                description=task["description"],
                owner=ops,
                due_date=date.fromisoformat(task["due_date"]),
                done_date=date.fromisoformat(done) if done else None,
                by=ops,
            )
    moved_at = {"plan_agreed": timedelta(hours=3), "resolved": timedelta(days=6)}
    if row["status"] in moved_at:
        at_then = at + moved_at[row["status"]]
        services.issue_set_status(issue=issue, status=row["status"], at=at_then, by=ops)


def _breach(ops, orgs, row: dict) -> None:
    at = _at(row["identified_at"])
    services.breach_create(
        severity=row["severity"],
        identified_at=at,
        description=row["description"],
        owner=ops,
        customers_impacted=[orgs["NGS"]],
        notified_at=at + timedelta(hours=2) if row["severity"] in ("high", "critical") else None,
        resolved_at=at + timedelta(hours=row["resolved_after_hours"]),
        root_cause="Manual step in the distribution process.",
        actions="Process changed; staff briefed.",
    )


def _communication(ops, orgs, row: dict) -> None:
    """A communication scored from its checklist: every framework point but those it missed."""
    november = row["kind"] == "ad_hoc"  # November's are the ad hoc ones, about the AQ defects
    services.communication_create(
        kind=row["kind"],
        sent_at=_at(row["sent_at"]),
        subject=row["subject"],
        owner=ops,
        recipients=[orgs[s] for s in RECIPIENTS],
        distribution_lists=DISTRIBUTION_LISTS,
        issues=list(Issue.objects.filter(title__startswith="AQ defect")[:2]) if november else [],
        **{point: point not in row["points_missed"] for point, _ in CHECKLIST},
    )
