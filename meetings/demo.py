"""Demo data of the reporting calendar: CoMC and PAC meetings from the documents' dates, the
committees' secretaries, a decision, and the KVI review plan of seed 002 as the action log of
CoMC's 16 December 2020 meeting. Idempotent: each record is looked up before it is made."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from core.models import Committee
from kvis.models import ForwardPlanItem
from meetings import services
from meetings.models import Action, Decision, Meeting

DATA = Path(__file__).parent / "demo_data"
#: The review plan's statuses whose rows were done by their end date (see review_plan.json).
DELIVERED = {"Complete", "On target"}


def _json(name: str) -> dict:
    return json.loads((DATA / name).read_text())


@transaction.atomic
def load(stdout=None) -> None:
    """Meetings, secretaries, decisions and the action log."""
    calendar = _json("calendar.json")
    User = get_user_model()
    for code, days in calendar["meetings"].items():
        committee = Committee.objects.get(code=code)
        services.meetings_schedule(committee=committee, days=[date.fromisoformat(d) for d in days])
    for code, usernames in calendar["secretaries"].items():
        secretaries = services.committee_calendar(Committee.objects.get(code=code)).secretaries
        for user in User.objects.filter(username__in=usernames):
            if not secretaries.filter(pk=user.pk).exists():
                secretaries.add(user)
    for entry in calendar["decisions"]:
        meeting = _meeting(entry["committee"], entry["meeting"])
        if not Decision.objects.filter(meeting=meeting, text=entry["text"]).exists():
            item = ForwardPlanItem.objects.filter(
                committee=meeting.committee, item=entry.get("forward_plan_item", "")
            ).first()
            services.decision_record(
                meeting=meeting,
                text=entry["text"],
                decided_by=entry["decided_by"],
                by=None,
                forward_plan_item=item,
            )
    _load_review_plan(_json("review_plan.json"))


def _meeting(code: str, day: str) -> Meeting:
    return Meeting.objects.get(committee__code=code, date=date.fromisoformat(day))


def _load_review_plan(plan: dict) -> None:
    meeting = _meeting(plan["committee"], plan["meeting"])
    User = get_user_model()
    for row in plan["actions"]:
        start, due = date.fromisoformat(row["start"]), date.fromisoformat(row["due"])
        if Action.objects.filter(meeting=meeting, title=row["title"], start=start).exists():
            continue
        delivered = row["status"] in DELIVERED
        services.action_create(
            meeting=meeting,
            data={
                "title": row["title"],
                "owner_name": row["owner"],
                "owner": User.objects.filter(username=row.get("owner_user", "")).first(),
                "start": start,
                "due": due,
                "completed_on": due if delivered else None,
                "completion_note": "Delivered as planned." if delivered else "",
            },
            by=None,
        )
