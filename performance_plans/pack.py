"""The PAC pack's section on parties on improvement plans: each open plan's step and the
dates it reached each step, status, RAG, next review, actions due, and the chases and
escalations of the month; and the final documentation of the plans closed in the month."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from django.utils import timezone

from core.calendar import add_months, end_of_day, first_of_month, local_day, month_end
from core.history import as_of
from core.models import Organisation
from kvis.rules import Rag
from performance_plans.models import Action, Chase, Escalation, Plan, Review
from performance_plans.rules import Step

#: (label, field) of the dates a plan reaches its steps, in order.
STEP_DATES = [
    ("Mandated", "mandated_on"),
    ("Formal meeting", "meeting_held_on"),
    ("Signed by the party", "signed_for_party_on"),
    ("Notified", "notified_on"),
    ("Reviews start", "reviews_start_on"),
]


def _status(plan: Plan) -> str:
    if plan.escalation_flagged_on:
        return f"Escalation flagged {plan.escalation_flagged_on:%d %b %Y}"
    return "Open"


def _month_end_moment(month: date) -> datetime:
    """The last instant of `month` in London (or now, for a month not ended yet)."""
    return min(end_of_day(month_end(month)), timezone.now())


def plans_as_of(moment: datetime) -> list[Plan]:
    """The plans as they stood at `moment`, from their history (a plan recorded later is
    not there), ordered by party name."""
    plans = list(as_of(Plan, moment))
    parties = Organisation.objects.in_bulk({p.party_id for p in plans})
    for plan in plans:
        plan.party = parties[plan.party_id]
    return sorted(plans, key=lambda p: (p.party.name, p.pk))


def _latest_held_rags_as_of(moment: datetime, plans: list[Plan]) -> dict[int, str]:
    """Plan id → RAG of its latest review held by `moment`, as the review stood then."""
    day, ids = local_day(moment), {p.pk for p in plans}
    latest: dict[int, tuple] = {}
    for review in as_of(Review, moment):
        if review.plan_id not in ids or review.held_on is None or review.held_on > day:
            continue
        key = (review.held_on, review.pk)
        if review.plan_id not in latest or key > latest[review.plan_id][0]:
            latest[review.plan_id] = (key, review.plan_rag)
    return {plan_id: rag for plan_id, (_, rag) in latest.items()}


def _by_plan(queryset) -> dict[int, list]:
    rows = defaultdict(list)
    for row in queryset:
        rows[row.plan_id].append(row)
    return rows


def parties_context(committee, month: date) -> dict:
    """Every party on an open plan at the end of `month`, with its step, step dates, status,
    RAG and next review as they stood then (from the plans' and reviews' history), actions
    not complete then (next due first), and the month's chases and escalations recorded by
    then (from their history too); and the final
    documentation of the plans closed in `month`."""
    month = first_of_month(month)
    next_month = add_months(month, 1)
    moment = _month_end_moment(month)
    plans = plans_as_of(moment)
    rags = _latest_held_rags_as_of(moment, plans)
    ids = [p.pk for p in plans]
    # Actions, chases and escalations as they stood then too: an action completed in December
    # is still open in November's pack, a chase recorded in December is not in it.
    actions = _by_plan(
        as_of(Action, moment)
        .filter(plan_id__in=ids, percent_complete__lt=100)
        .order_by("due_on", "id")
    )
    chases = _by_plan(
        as_of(Chase, moment)
        .filter(plan_id__in=ids, chased_on__gte=month, chased_on__lt=next_month)
        .order_by("chased_on", "id")
    )
    escalations = _by_plan(
        as_of(Escalation, moment)
        .filter(plan_id__in=ids, escalated_on__gte=month, escalated_on__lt=next_month)
        .order_by("escalated_on", "id")
    )
    open_plans = [
        {
            "plan": p,
            "party": p.party.name,
            "title": p.title,
            "step": p.step_label,
            "step_dates": [
                (label, getattr(p, field)) for label, field in STEP_DATES if getattr(p, field)
            ],
            "status": _status(p),
            "rag": Rag(rags.get(p.pk) or Rag.NOT_REPORTED),
            "next_review_on": p.next_review_on,
            "actions": actions[p.pk],
            "chases": chases[p.pk],
            "escalations": escalations[p.pk],
        }
        for p in plans
        if p.step != Step.CLOSED
    ]
    closed = [
        p
        for p in plans
        if p.step == Step.CLOSED and p.closed_on and first_of_month(p.closed_on) == month
    ]
    return {
        "committee": committee,
        "month": month,
        "open_plans": open_plans,
        "closed_plans": closed,
    }
