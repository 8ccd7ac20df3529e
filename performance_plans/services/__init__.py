"""Writes to plans: each service checks, saves and leaves history; expected failures raise
`ApplicationError` (a stale version: `StaleVersion`, with the plan's current values).

`plans` holds the plan record, its gaps, evidence and actions and the gated steps; `reviews`
holds the review meetings, chases and escalations. Import them from here.
"""

from core.errors import ApplicationError, StaleVersion
from performance_plans.services.plans import (
    EDITABLE_FIELDS,
    LINK_UNKNOWN,
    PLAN_CLOSED,
    UNKNOWN_STEP,
    action_add,
    check_upload,
    evidence_add,
    gap_add,
    plan_close,
    plan_create,
    plan_transition,
    plan_update,
    today,
)
from performance_plans.services.reviews import (
    ACTIVITY_CHASING,
    NO_CAM_EMAIL,
    NO_OPS_EMAIL,
    PROGRESS_UNKNOWN_ACTION,
    REVIEW_ALREADY_HELD,
    REVIEW_IN_FUTURE,
    REVIEW_NOT_UNDER_REVIEW,
    chase_log,
    escalation_record,
    review_record,
)

__all__ = [
    "ACTIVITY_CHASING",
    "EDITABLE_FIELDS",
    "LINK_UNKNOWN",
    "NO_CAM_EMAIL",
    "NO_OPS_EMAIL",
    "PLAN_CLOSED",
    "PROGRESS_UNKNOWN_ACTION",
    "REVIEW_ALREADY_HELD",
    "REVIEW_IN_FUTURE",
    "REVIEW_NOT_UNDER_REVIEW",
    "UNKNOWN_STEP",
    "ApplicationError",
    "StaleVersion",
    "action_add",
    "chase_log",
    "check_upload",
    "escalation_record",
    "evidence_add",
    "gap_add",
    "plan_close",
    "plan_create",
    "plan_transition",
    "plan_update",
    "review_record",
    "today",
]
