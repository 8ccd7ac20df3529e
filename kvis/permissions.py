"""What each role may do with KVIs and their updates."""

from core.roles import ADMIN, COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA, full_access, view_only

MODELS = [
    "kvi",
    "commitment",
    "measure",
    "measureresult",
    "kviupdate",
    "reportingperiod",
    "ragsettings",
    "forwardplanitem",
    "pack",
    "packdelivery",
]
#: KVI owners come from Customer Ops and PAFA: they enter updates and results.
OWNER_WRITES = ["add_kviupdate", "change_kviupdate", "add_measureresult", "change_measureresult"]

ROLE_PERMISSIONS = {
    COMMITTEE_MEMBER: view_only(MODELS),
    CUSTOMER_OPS: view_only(MODELS) + OWNER_WRITES,
    PAFA: view_only(MODELS) + OWNER_WRITES,
    ADMIN: full_access(MODELS) + ["approve_kviupdate", "view_all_packs"],
}
