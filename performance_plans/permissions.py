"""What each role may do with plans and the RACI matrix.

Party users (people of a party, no role) hold none of these: the object rules of
`predicates.py` let them read their own party's plans.
"""

from core.roles import ADMIN, COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA, full_access, view_only

PLAN_MODELS = [
    "plan",
    "planrootcause",
    "gap",
    "evidence",
    "action",
    "review",
    "actionprogress",
    "chase",
    "escalation",
]
RACI_MODELS = ["racirole", "activity", "activityrole"]
SETTINGS_MODELS = ["plansettings"]

ROLE_PERMISSIONS = {
    COMMITTEE_MEMBER: view_only(PLAN_MODELS + RACI_MODELS),
    CUSTOMER_OPS: view_only(PLAN_MODELS + RACI_MODELS) + ["add_escalation"],
    PAFA: full_access(PLAN_MODELS) + view_only(RACI_MODELS + SETTINGS_MODELS),
    ADMIN: full_access(PLAN_MODELS + RACI_MODELS + SETTINGS_MODELS),
}
