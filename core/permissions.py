"""What each role may do with the shared records."""

from core.roles import ADMIN, COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA, full_access, view_only

MODELS = ["constituency", "organisation", "committee", "closureday"]

ROLE_PERMISSIONS = {
    COMMITTEE_MEMBER: view_only(MODELS),
    CUSTOMER_OPS: view_only(MODELS) + ["add_organisation", "change_organisation"],
    PAFA: view_only(MODELS),
    ADMIN: full_access(MODELS) + ["view_workerheartbeat"],
}
#: Permissions on models of installed packages, by app label: an Admin lists and revokes
#: anyone's API tokens in the Django admin (tokens are issued only by logging in).
PACKAGE_ROLE_PERMISSIONS = {"knox": {ADMIN: ["view_authtoken", "delete_authtoken"]}}
