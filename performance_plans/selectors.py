"""Reads of plans and the RACI matrix, with what each page and the PAC pack show."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from core.models import Organisation
from kvis.rules import Rag
from performance_plans import rules
from performance_plans.models import (
    Action,
    ActionProgress,
    Activity,
    ActivityRole,
    Gap,
    Plan,
    PlanSettings,
    RaciRole,
    Responsibility,
    Review,
)
from performance_plans.rules import STEP_LABELS, TRANSITIONS, PlanFacts, Step

#: Records evidence may link to, as "app_label.model"; only those installed are offered.
LINKABLE_MODELS = ("kvis.kvi", "issues.issue", "issues.breach", "issues.databreach")


def _latest_held_review_rag():
    return Subquery(
        Review.objects.filter(plan=OuterRef("pk"), held_on__isnull=False)
        .order_by("-held_on", "-pk")
        .values("plan_rag")[:1]
    )


def plans_visible_to(user) -> QuerySet[Plan]:
    """The plans `user` may read: every plan for a role that reads plans, else only the plans
    of the parties the user works for (none for anyone else)."""
    plans = Plan.objects.select_related("party", "mandated_by").annotate(
        latest_rag=_latest_held_review_rag()
    )
    if not user.is_authenticated:
        return plans.none()
    if ModelBackend().has_perm(user, "performance_plans.view_plan"):
        return plans
    return plans.for_party_user(user).filter(party__is_party=True)


def parties_visible_to(user) -> QuerySet[Organisation]:
    """The parties whose plans `user` may read: every party for a role that reads plans, else
    only the parties the user works for; what the party filters offer."""
    parties = Organisation.objects.filter(is_party=True).order_by("name")
    if not user.is_authenticated:
        return parties.none()
    if ModelBackend().has_perm(user, "performance_plans.view_plan"):
        return parties
    return parties.filter(users=user)


def plan_facts(plan: Plan) -> PlanFacts:
    """What the gates look at, read from the plan and its records."""
    gaps = Gap.objects.filter(plan=plan).prefetch_related("evidence")
    actions = Action.objects.filter(plan=plan)
    return PlanFacts(
        gaps_evidence_counts=tuple((g.description, len(g.evidence.all())) for g in gaps),
        meeting_held_on=plan.meeting_held_on,
        actions=tuple(
            rules.ActionFacts(
                description=a.description,
                has_owner=bool(a.owner_side and a.owner_name.strip()),
                has_target=bool(a.target.strip()),
                has_due_date=a.due_on is not None,
            )
            for a in actions
        ),
        party_signed=bool(plan.signed_for_party_by.strip() and plan.signed_for_party_on),
        provider_signed=bool(plan.signed_for_provider_by.strip() and plan.signed_for_provider_on),
        notified_on=plan.notified_on,
        notified_by=plan.notified_by,
        has_notification_document=bool(plan.notification_document),
        party_contact_email=plan.party_contact_email,
        reviews_held=plan.reviews.filter(held_on__isnull=False).count(),
        outcome=plan.outcome,
        actions_taken=plan.actions_taken,
        results_achieved=plan.results_achieved,
        impact_notice_complete=bool(
            plan.impact_notified_on and plan.impact_notified_by.strip() and plan.impact_document
        ),
    )


def plan_missed_updates(plan: Plan) -> int:
    """Consecutive unanswered chases, latest last."""
    return rules.consecutive_misses(
        plan.chases.order_by("chased_on", "pk").values_list("answered", flat=True)
    )


@dataclass(frozen=True)
class StepView:
    label: str
    state: str  # "done", "current" or "todo"


def plan_page(plan: Plan) -> dict:
    """Everything the plan page shows, prepared."""
    current = Step(plan.step)
    next_step = TRANSITIONS.get(current)
    settings = PlanSettings.current()
    misses = plan_missed_updates(plan)
    steps = [
        StepView(
            label=STEP_LABELS[s],
            state="done" if s.number < current.number else "current" if s is current else "todo",
        )
        for s in Step
        if s is not Step.MANDATED
    ]
    reviews = plan.reviews.prefetch_related(
        Prefetch("progress", queryset=ActionProgress.objects.select_related("action"))
    ).order_by("-scheduled_on")
    plan_rag = Rag(getattr(plan, "latest_rag", None) or Rag.NOT_REPORTED)
    return {
        "plan_rag": plan_rag,
        "plan_rag_note": _plan_rag_note(plan, plan_rag),
        "steps": steps,
        "next_step": next_step,
        "next_step_label": STEP_LABELS[next_step] if next_step else "",
        "next_step_missing": rules.gate_missing(next_step, plan_facts(plan)) if next_step else [],
        "root_causes": plan.root_causes.all(),
        "gaps": plan.gaps.prefetch_related("evidence__linked_type"),
        "actions": plan.actions.all(),
        "reviews": reviews,
        "chases": plan.chases.select_related("chased_by").order_by("-chased_on", "-pk"),
        "escalations": plan.escalations.select_related("escalated_by").order_by("-escalated_on"),
        "missed_updates": misses,
        "escalation_threshold": settings.missed_updates_before_escalation,
        "escalation_due": rules.escalation_due(misses, settings.missed_updates_before_escalation),
        "is_closed": current is Step.CLOSED,
        "is_under_review": current is Step.UNDER_REVIEW,
        "scheduled_review": plan.reviews.filter(held_on__isnull=True)
        .order_by("scheduled_on")
        .first(),
    }


def _plan_rag_note(plan: Plan, plan_rag: Rag) -> str:
    """Why the plan's RAG differs from its actions' at the latest held review ('': it does not)."""
    latest = (
        plan.reviews.filter(held_on__isnull=False)
        .prefetch_related(
            Prefetch("progress", queryset=ActionProgress.objects.select_related("action"))
        )
        .order_by("-held_on", "-pk")
        .first()
    )
    if latest is None:
        return ""
    actions = [(p.action.description, rules.ActionRag(p.rag)) for p in latest.progress.all()]
    return rules.plan_rag_note(plan_rag.value, plan_rag.label, latest.held_on, actions)


def final_actions_summary(plan: Plan) -> str:
    """A first draft of the final documentation of actions taken, from the actions."""
    return "\n".join(
        f"- {a.description} ({a.get_owner_side_display()}: {a.owner_name}) — "
        f"{a.percent_complete}% complete; target: {a.target}"
        for a in plan.actions.all()
    )


def linkable_records() -> list[tuple[str, list[tuple[str, str]]]]:
    """Records evidence may link to, grouped by model, as ("<content type id>:<id>", label)."""
    groups = []
    for label in LINKABLE_MODELS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        ct = ContentType.objects.get_for_model(model)
        options = [(f"{ct.pk}:{obj.pk}", str(obj)) for obj in model._default_manager.all()[:500]]
        if options:
            groups.append((str(model._meta.verbose_name_plural).capitalize(), options))
    return groups


# RACI -----------------------------------------------------------------------------------------


def raci_matrix() -> dict:
    """Activities × roles: each cell is the role's responsibility and duties, or None."""
    roles = list(RaciRole.objects.all())
    activities = Activity.objects.prefetch_related(
        Prefetch("roles", queryset=ActivityRole.objects.select_related("role"))
    )
    rows = []
    for activity in activities:
        by_role = {cell.role_id: cell for cell in activity.roles.all()}
        rows.append({"activity": activity, "cells": [by_role.get(r.pk) for r in roles]})
    return {"roles": roles, "rows": rows}


def role_emails(role: RaciRole) -> list[str]:
    """E-mail addresses of a RACI role: its group's active members, then its named contacts."""
    emails: list[str] = []
    if role.group_name:
        users = (
            get_user_model()
            .objects.filter(groups__name=role.group_name, is_active=True)
            .exclude(email="")
        )
        emails += list(users.order_by("email").values_list("email", flat=True))
    emails += [line.strip() for line in role.contact_emails.splitlines() if line.strip()]
    return list(dict.fromkeys(emails))


def activity_lead_emails(activity_key: str) -> list[str]:
    """E-mail addresses of the lead role(s) of an activity (registered with core.contacts)."""
    cells = ActivityRole.objects.filter(
        activity__key=activity_key, responsibility=Responsibility.LEAD
    ).select_related("role")
    emails: list[str] = []
    for cell in cells:
        emails += role_emails(cell.role)
    return list(dict.fromkeys(emails))
