"""Performance improvement plans (PIPs) for parties, their evidence, actions, reviews, chases and
escalations; the settings they use; and the RACI matrix of who leads each activity.

The models live in `plans` (the plan, its settings, root causes, gaps, evidence and actions),
`reviews` (reviews, action progress, chases, escalations) and `raci`; import them from here.
"""

from performance_plans.models.plans import (
    Action,
    ActionOwner,
    ActionRagChoices,
    Evidence,
    EvidenceKind,
    Gap,
    OutcomeChoices,
    Plan,
    PlanQuerySet,
    PlanRootCause,
    PlanSettings,
    RootCauseChoices,
    StepChoices,
)
from performance_plans.models.raci import Activity, ActivityRole, RaciRole, Responsibility
from performance_plans.models.reviews import (
    ActionProgress,
    Chase,
    Escalation,
    EscalationTarget,
    Review,
)

__all__ = [
    "Action",
    "ActionOwner",
    "ActionProgress",
    "ActionRagChoices",
    "Activity",
    "ActivityRole",
    "Chase",
    "Escalation",
    "EscalationTarget",
    "Evidence",
    "EvidenceKind",
    "Gap",
    "OutcomeChoices",
    "Plan",
    "PlanQuerySet",
    "PlanRootCause",
    "PlanSettings",
    "RaciRole",
    "Responsibility",
    "Review",
    "RootCauseChoices",
    "StepChoices",
]
