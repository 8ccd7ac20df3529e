"""The PAC pack's section on parties on improvement plans: each open plan's step and the
dates it reached each step, status, RAG, next review, actions due, and the chases and
escalations of the month; and the final documentation of the plans closed in the month."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch

from core.calendar import add_months, first_of_month
from kvis.rules import Rag
from performance_plans.models import Action, Chase, Escalation, Plan
from performance_plans.rules import Step
from performance_plans.selectors import _latest_held_review_rag

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


def parties_context(committee, month: date) -> dict:
    """Every party on an open plan with step, step dates, status, RAG, next review, actions
    not yet complete (next due first), and the month's chases and escalations."""
    month = first_of_month(month)
    next_month = add_months(month, 1)
    plans = (
        Plan.objects.select_related("party")
        .annotate(latest_rag=_latest_held_review_rag())
        .prefetch_related(
            Prefetch(
                "actions",
                Action.objects.filter(percent_complete__lt=100).order_by("due_on"),
                to_attr="open_actions",
            ),
            Prefetch(
                "chases",
                Chase.objects.filter(chased_on__gte=month, chased_on__lt=next_month),
                to_attr="month_chases",
            ),
            Prefetch(
                "escalations",
                Escalation.objects.filter(escalated_on__gte=month, escalated_on__lt=next_month),
                to_attr="month_escalations",
            ),
        )
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
            "rag": Rag(p.latest_rag or Rag.NOT_REPORTED),
            "next_review_on": p.next_review_on,
            "actions": p.open_actions,
            "chases": p.month_chases,
            "escalations": p.month_escalations,
        }
        for p in plans.open().order_by("party__name")
    ]
    closed = plans.filter(step=Step.CLOSED, closed_on__gte=month, closed_on__lt=next_month)
    return {
        "committee": committee,
        "month": month,
        "open_plans": open_plans,
        "closed_plans": list(closed.order_by("party__name")),
    }
