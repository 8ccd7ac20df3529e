"""Object permissions on plans (django-rules). Registered when the app is ready.

A role's permission comes from its Django group (ROLE_PERMISSIONS) and applies to every plan;
a person linked to a party (in `Organisation.users`) may read that party's plans only.
"""

import rules
from django.contrib.auth.backends import ModelBackend

_model_backend = ModelBackend()


def role_grants(codename: str):
    """A predicate: the user's role (group) holds `performance_plans.<codename>`."""

    @rules.predicate(name=f"role_grants_{codename}")
    def _granted(user) -> bool:
        return _model_backend.has_perm(user, f"performance_plans.{codename}")

    return _granted


@rules.predicate
def is_party_user(user, plan=None) -> bool:
    """With a plan: the user works for the plan's party. Without: for any party."""
    if not user.is_authenticated:
        return False
    if plan is None:
        return user.organisations.filter(is_party=True).exists()
    return plan.party.users.filter(pk=user.pk).exists()


rules.add_perm("performance_plans.view_plan", role_grants("view_plan") | is_party_user)
rules.add_perm("performance_plans.change_plan", role_grants("change_plan"))
rules.add_perm("performance_plans.add_chase", role_grants("add_chase"))
rules.add_perm("performance_plans.add_escalation", role_grants("add_escalation"))
