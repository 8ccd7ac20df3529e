"""What each role may do with surveys: committee members and PAFA read; Customer Ops record
rounds, responses and "You said, we did"; Admin does everything (surveys, questions, settings)."""

from core.roles import ADMIN, COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA, full_access, view_only

MODELS = [
    "survey",
    "category",
    "question",
    "round",
    "categoryscore",
    "response",
    "answer",
    "yousaidwedid",
    "surveysettings",
]
#: Customer Ops record the rounds and their responses and the feedback log.
OPS_WRITES = [
    f"{verb}_{model}"
    for model in ("round", "categoryscore", "response", "answer", "yousaidwedid")
    for verb in ("add", "change")
] + ["delete_response", "delete_answer"]

ROLE_PERMISSIONS = {
    COMMITTEE_MEMBER: view_only(MODELS),
    CUSTOMER_OPS: view_only(MODELS) + OPS_WRITES,
    PAFA: view_only(MODELS),
    ADMIN: full_access(MODELS),
}
