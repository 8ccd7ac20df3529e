"""Demo data: the RACI matrix of seed 000 (`demo_data/raci.json`) and two plans (seed 004's
steps and root causes), taken through the services step by step.

- Northern Gas Supply (NGS): mandated by PAC on 18 Jan 2022, at step 1 with gaps and evidence,
  for PAFA to take through the steps in the browser.
- Southern Energy Shipping (SES): further along, under review, with reviews and actions.

Idempotent: every record is looked up by its natural key before it is created.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.calendar import closed_days, end_of_day, localdate
from core.models import Committee, Organisation
from performance_plans import rules, services
from performance_plans.models import (
    Activity,
    ActivityRole,
    EvidenceKind,
    Plan,
    RaciRole,
    Responsibility,
    Review,
    RootCauseChoices,
)
from performance_plans.rules import Step

#: The RACI matrix of seed 000 (the table "Updated Roles & Responsibilities", PAC, 18/01/2022):
#: its roles (key, name, Django group, named contacts) and activities with their cells.
RACI = json.loads((Path(__file__).parent / "demo_data" / "raci.json").read_text(encoding="utf-8"))
RACI_ACTIVITIES = [(a["key"], a["name"], a["cells"]) for a in RACI["activities"]]

NGS_TITLE = "Meter read submission and AQ query performance"
SES_TITLE = "Timeliness of data submissions"

# Small but genuine files, so type checks pass on demo evidence.
READS_CSV = b"month,reads_submitted_on_time_pct,target_pct\n2021-10,88.2,95\n2021-11,86.9,95\n"
AUDIT_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0"
    b">>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _first_kvi_link() -> tuple[int, int] | None:
    """A link to the first demo KVI, when the KVI app has one."""
    from django.contrib.contenttypes.models import ContentType

    model = apps.get_model("kvis", "KVI")
    kvi = model.objects.order_by("pk").first()
    if kvi is None:
        return None
    return ContentType.objects.get_for_model(model).pk, kvi.pk


def load_raci() -> None:
    """The RACI matrix of seed 000."""
    roles = {}
    for order, role in enumerate(RACI["roles"]):
        roles[role["key"]], _ = RaciRole.objects.get_or_create(
            key=role["key"],
            defaults={
                "name": role["name"],
                "group_name": role["group"],
                "contact_emails": role["contacts"],
                "order": order,
            },
        )
    for order, (key, name, cells) in enumerate(RACI_ACTIVITIES):
        activity, _ = Activity.objects.get_or_create(
            key=key, defaults={"name": name, "order": order}
        )
        for cell in cells:
            ActivityRole.objects.get_or_create(
                activity=activity,
                role=roles[cell["role"]],
                defaults={
                    "responsibility": Responsibility(cell["responsibility"]),
                    "duties": cell["duties"],
                },
            )


def _ngs_plan(pafa, pac) -> None:
    party = Organisation.objects.get(short_name="NGS")
    if Plan.objects.filter(party=party, title=NGS_TITLE).exists():
        return
    plan = services.plan_create(
        party=party,
        title=NGS_TITLE,
        mandated_by=pac,
        mandated_on=date(2022, 1, 18),
        reviews_mandated=True,
        root_causes={
            RootCauseChoices.LOCAL_MANAGEMENT: (
                "Read submission is run from one site with no local manager since October."
            ),
            RootCauseChoices.UNDERSTANDING: (
                "The statement of work does not say reads are due within five business days."
            ),
        },
        cam_email="cam-ngs@example.org",
        by=pafa,
    )
    reads = services.gap_add(
        plan=plan,
        description="Meter reads submitted on time below the 95% target for three months",
        expectation="95% of reads submitted within five business days.",
        by=pafa,
    )
    services.evidence_add(
        gap=reads,
        kind=EvidenceKind.PERFORMANCE_DATA,
        summary="Monthly read submission performance, Oct–Nov 2021",
        linked=_first_kvi_link(),
        file=ContentFile(READS_CSV, name="ngs-read-submission.csv"),
        by=pafa,
    )
    queries = services.gap_add(
        plan=plan,
        description="AQ defect queries answered late",
        expectation="Queries answered within 10 business days.",
        by=pafa,
    )
    services.evidence_add(
        gap=queries,
        kind=EvidenceKind.AUDIT,
        summary="14 of 40 AQ queries sampled were answered late",
        file=ContentFile(AUDIT_PDF, name="ngs-aq-audit.pdf"),
        by=pafa,
    )
    services.plan_transition(plan=plan, to=Step.GAPS_OUTLINED, by=pafa, version=plan.version)


def _ses_plan(pafa, pac) -> None:
    party = Organisation.objects.get(short_name="SES")
    if Plan.objects.filter(party=party, title=SES_TITLE).exists():
        return
    today = timezone.localdate()
    # Three fortnightly reviews held, the last ten days ago, whatever the weekday today.
    start = today - timedelta(days=52)
    plan = services.plan_create(
        party=party,
        title=SES_TITLE,
        mandated_by=pac,
        mandated_on=start - timedelta(days=35),
        reviews_mandated=True,
        root_causes={
            RootCauseChoices.CLIENT_ENGAGEMENT: "Contacts changed twice; updates went unanswered.",
            RootCauseChoices.MARKET_DYNAMICS: "Staff shortages after the 2021 supplier failures.",
        },
        party_contact_name="Sam Shipper",
        party_contact_email="contracts@ses.example",
        cam_email="cam-ses@example.org",
        by=pafa,
    )
    gap = services.gap_add(
        plan=plan,
        description="Data submissions late in four of the last six months",
        by=pafa,
    )
    services.evidence_add(
        gap=gap,
        kind=EvidenceKind.SCORECARD,
        summary="Submission timeliness Red on the scorecard since July",
        linked=_first_kvi_link(),
        file=ContentFile(READS_CSV, name="ses-scorecard.csv"),
        by=pafa,
    )
    services.plan_transition(plan=plan, to=Step.GAPS_OUTLINED, by=pafa, version=plan.version)
    actions = [
        (
            "Appoint a named submissions manager",
            "party",
            "SES operations director",
            "Manager in post",
            0,
            35,
        ),
        (
            "Clear the backlog of late submissions",
            "party",
            "Sam Shipper",
            "Backlog of 1,200 submissions cleared",
            7,
            70,
        ),
        (
            "Run two training sessions on submission rules",
            "provider",
            "Customer Ops AQ team",
            "Two sessions held",
            0,
            56,
        ),
    ]
    for description, side, owner, target, begin, days in actions:
        services.action_add(
            plan=plan,
            description=description,
            owner_side=side,
            owner_name=owner,
            target=target,
            start_on=start - timedelta(days=14) + timedelta(days=begin),
            due_on=start - timedelta(days=14) + timedelta(days=days),
            by=pafa,
        )
    plan = services.plan_update(
        plan=plan,
        version=Plan.objects.get(pk=plan.pk).version,
        changes={
            "meeting_held_on": start - timedelta(days=21),
            "meeting_notes": "Plan agreed with SES operations director.",
            "signed_for_party_by": "SES operations director",
            "signed_for_party_on": start - timedelta(days=20),
            "signed_for_provider_by": "Priya PAFA",
            "signed_for_provider_on": start - timedelta(days=20),
            "notified_on": start - timedelta(days=14),
            "notified_by": "PAFA on behalf of PAC",
            "notification_document": ContentFile(AUDIT_PDF, name="ses-notification.pdf"),
        },
        by=pafa,
    )
    for step in (Step.ESTABLISHED, Step.NOTIFIED, Step.UNDER_REVIEW):
        plan = services.plan_transition(plan=plan, to=step, by=pafa, version=plan.version)
    # Back-date the review schedule so the demo shows held reviews.
    Review.objects.filter(plan=plan).delete()
    plan.reviews_start_on = start
    plan.save(update_fields=["reviews_start_on"])
    closed = closed_days(range(start.year, today.year + 2))
    progress_by_review = [
        ({0: 70, 1: 10, 2: 50}, "amber"),
        ({0: 100, 1: 25, 2: 50}, "amber"),
        ({0: 100, 1: 45, 2: 100}, "green"),
    ]
    scheduled = start
    action_ids = list(plan.actions.order_by("pk").values_list("pk", flat=True))
    for percents, rag in progress_by_review:
        scheduled = rules.next_review_date(start, plan.review_interval_days, scheduled, closed)
        if scheduled >= today:
            break
        review, _ = Review.objects.get_or_create(plan=plan, scheduled_on=scheduled)
        services.review_record(
            review=review,
            held_on=scheduled,
            attendees="Priya PAFA\nOlivia Ops (Customer Ops)\nSam Shipper (SES)",
            notes="Progress reviewed against the plan.",
            plan_rag=rag,
            progress={action_ids[i]: (pct, "") for i, pct in percents.items()},
            by=pafa,
        )
    services.chase_log(
        plan=plan,
        chased_on=today - timedelta(days=10),
        answered=True,
        by=pafa,
        note="Backlog figures received.",
    )
    services.chase_log(
        plan=plan,
        chased_on=today - timedelta(days=3),
        answered=False,
        by=pafa,
        note="No reply to the request for the weekly backlog figures.",
    )


@transaction.atomic
def load(stdout=None) -> None:
    """The RACI matrix and the two demo plans."""
    load_raci()
    pafa = get_user_model().objects.get(username="pafa")
    pac = Committee.objects.get(code="PAC")
    _ngs_plan(pafa, pac)
    _ses_plan(pafa, pac)
    _date_history_when_it_happened()


#: The dates a plan's record reaches, in the order a plan reaches them.
_PLAN_DATES = (
    "mandated_on",
    "meeting_held_on",
    "signed_for_party_on",
    "notified_on",
    "reviews_start_on",
    "closed_on",
)


def _date_history_when_it_happened() -> None:
    """The demo records its plans today, as of dates in the past; packs read plans as they
    stood at a month's end (from their history), so each history row is dated on the latest
    plan date it carries (a review's on the day it was held), as if the PAFA had recorded it
    then. Rows already dated before today are left alone: the load stays idempotent."""
    from performance_plans.models import Action, ActionProgress, Chase, Escalation, Plan, Review

    today = localdate()

    def date_row(row, day: date) -> None:
        if day < today:
            row.history_date = end_of_day(day) - timedelta(hours=6)
            row.save(update_fields=["history_date"])

    held_reviews = defaultdict(list)
    for plan_id, day in Review.objects.exclude(held_on=None).values_list("plan_id", "held_on"):
        held_reviews[plan_id].append(day)

    def review_that_set(row) -> list[date]:
        """A plan row moving its next review was written by the review held last before it."""
        before = [d for d in held_reviews[row.id] if row.next_review_on and d < row.next_review_on]
        return [max(before)] if before else []

    dated = (
        (Plan, _PLAN_DATES),
        (Review, ("held_on",)),
        (Chase, ("chased_on",)),
        (Escalation, ("escalated_on",)),
    )
    for model, fields in dated:
        for row in model.history.filter(history_date__date__gte=today):
            days = [getattr(row, f) for f in fields if getattr(row, f, None)]
            if model is Plan:
                days += review_that_set(row)
            if days:
                date_row(row, max(days))
    # An action is recorded when it starts, and its progress on the day of each review.
    held = defaultdict(list)
    for action in Action.objects.all():
        held[action.pk].append(action.start_on)
    for action_id, day in ActionProgress.objects.order_by("review__held_on").values_list(
        "action_id", "review__held_on"
    ):
        held[action_id].append(day)
    for action_id in held:
        rows = Action.history.filter(id=action_id, history_date__date__gte=today)
        for row, day in zip(rows.order_by("history_id"), held[action_id], strict=False):
            date_row(row, day)
    # A row that carries no date of its own (a review scheduled, not yet held) was written
    # before the rows that follow it: it may not stand after them in the record's history.
    for model in (Plan, Review, Chase, Escalation, Action):
        ceiling = {}
        for row in model.history.order_by("-history_id"):
            if row.id in ceiling and row.history_date > ceiling[row.id]:
                row.history_date = ceiling[row.id]
                row.save(update_fields=["history_date"])
            ceiling[row.id] = row.history_date
