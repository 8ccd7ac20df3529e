from core.roles import user_roles

NAVIGATION = (
    ("KVIs", "kvis:dashboard", "kvis"),
    ("Issues & breaches", "issues:index", "issues"),
    ("Surveys", "surveys:index", "surveys"),
    ("Improvement plans", "plans:index", "plans"),
    ("Meetings", "meetings:index", "meetings"),
)


def navigation(request):
    """The areas of the portal, with the one being viewed marked active."""
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    return {
        "nav_areas": [
            {"label": label, "url_name": url_name, "active": namespace == ns}
            for label, url_name, ns in NAVIGATION
        ],
        "user_roles": user_roles(getattr(request, "user", None))
        if hasattr(request, "user")
        else [],
    }
