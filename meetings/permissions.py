"""What each role may do with meetings, their decisions and action logs, and notifications."""

from core.roles import ADMIN, COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA, full_access, view_only

MODELS = ["meeting", "decision", "action", "committeecalendar", "remindersettings", "reminder"]

ROLE_PERMISSIONS = {
    COMMITTEE_MEMBER: view_only(MODELS),
    # Owners of actions mark them complete (the service checks that they own the action).
    CUSTOMER_OPS: view_only(MODELS) + ["change_action"],
    PAFA: view_only(MODELS) + ["change_action"],
    ADMIN: full_access(MODELS),
}
