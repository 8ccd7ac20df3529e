from functools import cache

from django.urls import resolve, reverse

from core.roles import user_roles

NAVIGATION = (
    ("KVIs", "kvis:dashboard", "kvis"),
    ("Issues & breaches", "issues:index", "issues"),
    ("Surveys", "surveys:index", "surveys"),
    ("Improvement plans", "plans:index", "plans"),
    ("Meetings", "meetings:index", "meetings"),
)


@cache
def permissions_to_open(url_name: str) -> tuple[str, ...]:
    """The permissions the view behind `url_name` declares (`permission_required`), so a link
    is shown exactly when the page would open."""
    view = resolve(reverse(url_name)).func
    required = getattr(getattr(view, "view_class", None), "permission_required", None) or ()
    return (required,) if isinstance(required, str) else tuple(required)


def can_open(user, url_name: str) -> bool:
    """Whether `user` holds every permission the page at `url_name` declares."""
    return user.has_perms(permissions_to_open(url_name))


def navigation(request):
    """The areas of the portal the user may open, with the one being viewed marked active."""
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    user = getattr(request, "user", None)
    return {
        "nav_areas": [
            {"label": label, "url_name": url_name, "active": namespace == ns}
            for label, url_name, ns in NAVIGATION
            if user is not None and user.is_authenticated and can_open(user, url_name)
        ],
        "user_roles": user_roles(user) if user is not None else [],
    }
