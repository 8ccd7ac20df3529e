"""What each role may do with the registers.

Committee members and PAFA read (committee members see the published register, without
internal notes); Customer Ops keep the registers; Admin also edits the configuration.
"""

from core.roles import ADMIN, COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA, full_access, view_only

REGISTER_MODELS = [
    "issue",
    "issuescoring",
    "issueaction",
    "rectificationtask",
    "breach",
    "communication",
]
CONFIG_MODELS = ["scoringmatrix", "band", "breachpolicy"]
#: Records Customer Ops write day to day.
OPS_WRITES = ["issue", "issueaction", "rectificationtask", "breach", "communication"]

ROLE_PERMISSIONS = {
    COMMITTEE_MEMBER: view_only(REGISTER_MODELS + CONFIG_MODELS),
    CUSTOMER_OPS: view_only(REGISTER_MODELS + CONFIG_MODELS)
    + [f"{verb}_{m}" for m in OPS_WRITES for verb in ("add", "change")]
    + ["view_internal_issue", "rescore_issue"],
    PAFA: view_only(REGISTER_MODELS + CONFIG_MODELS) + ["view_internal_issue"],
    ADMIN: full_access(REGISTER_MODELS + CONFIG_MODELS)
    + ["view_internal_issue", "rescore_issue", "view_remindersent"],
}

#: The communications framework weights, added after 0002 (which grants ROLE_PERMISSIONS
#: strictly, so the table cannot name a later model): granted by migration 0007.
WEIGHTS_PERMISSIONS = {
    COMMITTEE_MEMBER: view_only(["commsweights"]),
    CUSTOMER_OPS: view_only(["commsweights"]),
    PAFA: view_only(["commsweights"]),
    ADMIN: full_access(["commsweights"]),
}
