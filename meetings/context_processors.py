from meetings import selectors


def notifications(request):
    """The signed-in user's unread notification count, for the navbar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": selectors.unread_count(user)}
