"""The four roles of the portal, as Django groups, and the model permissions each holds.

Each app declares what each role may do with its models in `<app>/permissions.py`
(ROLE_PERMISSIONS); the app's data migration grants that table, so apps stay independent.
"""

COMMITTEE_MEMBER = "Committee member"
CUSTOMER_OPS = "Customer Ops"
PAFA = "PAFA"
ADMIN = "Admin"
ROLES = (COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA, ADMIN)

#: Where each role lands after login (URL names).
ROLE_HOME = {
    COMMITTEE_MEMBER: "kvis:dashboard",
    CUSTOMER_OPS: "issues:index",
    PAFA: "plans:index",
    ADMIN: "kvis:dashboard",
}
#: Where a user of a party on a plan lands (they hold no role).
PARTY_HOME = "plans:index"

#: Apps may send some users elsewhere first (e.g. KVI owners to their updates): each provider
#: takes the user and returns a URL name or None.
_home_providers: list = []


def register_home(provider) -> None:
    """Ask `provider(user)` for a user's home before their role's (apps call it in ready())."""
    if provider not in _home_providers:
        _home_providers.append(provider)


def home_for(user) -> str | None:
    """The first URL name a registered provider gives for `user`, or None."""
    for provider in _home_providers:
        if name := provider(user):
            return name
    return None


def sync_all_roles() -> None:
    """Grant every app's ROLE_PERMISSIONS (from its permissions.py) using the live registry."""
    from importlib import import_module
    from importlib.util import find_spec

    from django.apps import apps
    from django.conf import settings

    for app in settings.LOCAL_APPS:
        if find_spec(f"{app}.permissions"):
            grant_role_permissions(apps, app, import_module(f"{app}.permissions").ROLE_PERMISSIONS)
    from core.permissions import PACKAGE_ROLE_PERMISSIONS

    for app, table in PACKAGE_ROLE_PERMISSIONS.items():
        grant_role_permissions(apps, app, table)


def grant_role_permissions(
    apps, app_label: str, table: dict[str, list[str]], *, strict: bool = True
) -> None:
    """Create the groups if needed and give each the listed permission codenames of app_label.

    Called from data migrations (strict=False: models added by later migrations are granted
    by those) and by sync_all_roles; creates the app's permissions first because Django only
    creates them after the whole migrate run.
    """
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    # create_permissions needs the real app config; it reads the models from `apps`.
    create_permissions(global_apps.get_app_config(app_label), verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in table.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        missing = set(codenames) - set(perms.values_list("codename", flat=True))
        # A data migration runs before later migrations add their models: it grants what
        # exists, and the migration that adds a model grants the table again.
        if missing and strict:
            raise LookupError(f"{app_label}: no permissions named {sorted(missing)}")
        group.permissions.add(*perms)


def view_only(models: list[str]) -> list[str]:
    """Codenames to read the given models."""
    return [f"view_{m}" for m in models]


def full_access(models: list[str]) -> list[str]:
    """Codenames to read, add, change and delete the given models."""
    return [f"{verb}_{m}" for m in models for verb in ("view", "add", "change", "delete")]


def user_roles(user) -> list[str]:
    """The role names a user holds, in the order of ROLES."""
    if not user.is_authenticated:
        return []
    names = {g.name for g in user.groups.all()}
    return [r for r in ROLES if r in names]
