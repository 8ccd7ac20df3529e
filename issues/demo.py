"""Demo registers for the KVI year 2020/21, so November 2020 reads as the seed documents do:

- 3 Low breaches in November 2020, all on time ("There were 3 low breaches only": Green);
- communications scoring 9.7 in November, 8.3 in October (a 1.4 increase) and a KVI-year-to-date
  mean of 8.1 over April–November ("Met Expectations");
- ten AQ defects identified in November, nine of them by the provider (90 %), all scored;
- open issues of every age band at the end of November, one with an overdue rectification task.

Idempotent: every record is found by its title, description or subject before it is created.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from core.calendar import LONDON
from core.models import ClosureDay, Organisation
from issues import services
from issues.models import Breach, Communication, Issue, RectificationTask


def _at(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


#: title, identified at, category, identified by, impact, financial, customers, MPRNs, status
ISSUES = [
    # Ten AQ defects identified in November 2020; nine by the provider.
    *[
        (
            f"AQ defect batch {n}: incorrect AQ on rolling calculation",
            _at(2020, 11, day),
            "aq_defect",
            "customer" if n == 4 else "provider",
            1 + (n % 2),
            1,
            ["NGS", "SES"] if n % 3 else ["IPL"],
            5 + n * 3,
            "resolved" if n <= 6 else "open",
        )
        for n, day in enumerate([2, 4, 5, 9, 11, 13, 17, 19, 24, 26], start=1)
    ],
    (
        "Meter read rejections for IGT supply points",
        _at(2020, 3, 16),
        "data",
        "provider",
        3,
        2,
        ["IPL", "NGS"],
        412,
        "plan_agreed",
    ),
    (
        "Delayed daily transfer files",
        _at(2020, 7, 20),
        "system_incident",
        "customer",
        2,
        2,
        ["EDN", "WDN", "NGGT"],
        0,
        "open",
    ),
    (
        "Services Portal login query",
        _at(2020, 9, 28),
        "customer_query",
        "customer",
        1,
        1,
        ["SES"],
        0,
        "open",
    ),
]

#: description, task due, done
TASKS = {
    "Meter read rejections for IGT supply points": [
        ("Root-cause analysis of rejected reads", date(2020, 4, 1), date(2020, 3, 30)),
        ("Correct the validation rule and reprocess reads", date(2020, 12, 18), None),
    ]
}

#: severity, identified at, resolved after (hours), description
BREACHES = [
    ("high", _at(2020, 8, 12, 9, 30), 30, "Shipper report e-mailed to the wrong recipient"),
    ("medium", _at(2020, 9, 15, 14), 26, "Access to a shared folder wider than needed"),
    ("low", _at(2020, 11, 4, 11), 20, "Customer contact details shown to another user"),
    ("low", _at(2020, 11, 12, 15, 30), 40, "Meter point list attached to the wrong query"),
    ("low", _at(2020, 11, 23, 10, 15), 6, "Out-of-date contact used for a notification"),
]

#: month: quality scores of its communications. Monthly means: Apr 7.0, May 7.4, Jun 7.8,
#: Jul 8.0, Aug 8.2, Sep 8.4, Oct 8.3, Nov 9.7; their mean (KVI year to date) is 8.1.
COMMS = {
    4: ["7.0"],
    5: ["7.4"],
    6: ["7.6", "8.0"],
    7: ["8.0"],
    8: ["8.2"],
    9: ["8.4"],
    10: ["8.0", "8.6"],
    11: ["9.6", "9.8", "9.7"],
}
NOVEMBER_SUBJECTS = [
    "AQ defects: MPRN data shared for the latest set",
    "Financial adjustments from AQ defects: timetable and data",
    "Issue register published for November",
]


@transaction.atomic
def load(stdout=None) -> None:
    """Create the demo registers (needs core.demo's organisations and the 'ops' user)."""
    ops = get_user_model().objects.get(username="ops")
    orgs = {o.short_name: o for o in Organisation.objects.all()}
    ClosureDay.objects.get_or_create(
        day=date(2020, 12, 24), defaults={"reason": "Christmas Eve office closure"}
    )
    for title, at, category, by, impact, financial, customers, mprns, status in ISSUES:
        _issue(ops, orgs, title, at, category, by, impact, financial, customers, mprns, status)
    for sev, at, hours, text in BREACHES:
        if not Breach.objects.filter(description=text).exists():
            notified = at + timedelta(hours=2) if sev in ("high", "critical") else None
            services.breach_create(
                severity=sev,
                identified_at=at,
                description=text,
                owner=ops,
                customers_impacted=[orgs["NGS"]],
                notified_at=notified,
                resolved_at=at + timedelta(hours=hours),
                root_cause="Manual step in the distribution process.",
                actions="Process changed; staff briefed.",
            )
    for month, scores in COMMS.items():
        for n, score in enumerate(scores):
            subject = (
                NOVEMBER_SUBJECTS[n] if month == 11 else f"Monthly update {month:02d}/2020 #{n + 1}"
            )
            if Communication.objects.filter(subject=subject).exists():
                continue
            services.communication_create(
                kind="ad_hoc" if month == 11 else "scheduled",
                sent_at=_at(2020, month, 10 + n),
                subject=subject,
                quality_score=Decimal(score),
                owner=ops,
                recipients=[orgs[s] for s in ("NGS", "SES", "EDN")],
                distribution_lists="DSC contract managers; Shipper constituency",
                issues=list(Issue.objects.filter(title__startswith="AQ defect")[:2])
                if month == 11
                else [],
                distribution_list_named=True,
                states_subject=True,
                states_action_taken=True,
                states_customer_action=Decimal(score) >= 8,
                states_impact=True,
                states_known_unknown=Decimal(score) >= 9,
                gives_contact=True,
            )


def _issue(ops, orgs, title, at, category, by, impact, financial, customers, mprns, status):
    if Issue.objects.filter(title=title).exists():
        return
    issue = services.issue_create(
        title=title,
        description=f"{title}. Found through assurance reporting and MI.",
        internal_notes="Tracked in the AQ taskforce stand-up.",
        category=category,
        identified_by=by,
        identified_at=at,
        owner=ops,
        affected_customers=[orgs[c] for c in customers],
        mprns_affected=mprns,
        impact=impact,
        financial=financial,
        by=ops,
        scored_at=at + timedelta(hours=1),
    )
    for action in issue.actions.all():
        # Every required action met on time, so November's figures are clean.
        services.issue_action_complete(action=action, done_at=at + timedelta(hours=3), by=ops)
    for description, due, done in TASKS.get(title, []):
        if not RectificationTask.objects.filter(issue=issue, description=description).exists():
            services.task_create(
                issue=issue, description=description, owner=ops, due_date=due, done_date=done
            )
    if status == "plan_agreed":
        services.issue_set_status(issue=issue, status="plan_agreed", at=at + timedelta(hours=3))
    elif status == "resolved":
        services.issue_set_status(issue=issue, status="resolved", at=at + timedelta(days=6))
