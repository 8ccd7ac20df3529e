"""How long a logged-in session lasts: an idle limit and an absolute one (ASVS 3.3).

Pages check both in `SessionLimitsMiddleware`, the API in `core.api.SessionAuthentication`;
a session past either is
logged out and the page asks for the login again, saying why.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout

#: Session keys: when the login began, and the last request (epoch seconds).
STARTED = "_kvi_session_started"
LAST_SEEN = "_kvi_session_last_seen"
#: Activity is written back at most this often, not on every request (a session write each).
TOUCH_EVERY = 60

IDLE_ENDED = "Your session ended after {minutes} minutes without activity. Log in again."
ABSOLUTE_ENDED = "Your session ended: sessions last at most {hours} hours. Log in again."


def session_ended(session, now: float) -> str | None:
    """The message if a logged-in session is past its idle or absolute limit, else None."""
    idle = settings.SESSION_IDLE_SECONDS
    absolute = settings.SESSION_ABSOLUTE_SECONDS
    started = session.get(STARTED, now)
    last_seen = session.get(LAST_SEEN, now)
    if now - started > absolute:
        return ABSOLUTE_ENDED.format(hours=round(absolute / 3600, 1))
    if now - last_seen > idle:
        return IDLE_ENDED.format(minutes=round(idle / 60))
    return None


def enforce_session_limits(request) -> bool:
    """Log out the request's session if it is past a limit (True), else record the activity."""
    session, now = request.session, time.time()
    ended = session_ended(session, now)
    if ended:
        logout(request)
        messages.info(request, ended)
        return True
    session.setdefault(STARTED, now)
    if now - session.get(LAST_SEEN, 0) >= TOUCH_EVERY:
        session[LAST_SEEN] = now
    return False


def stamp_login(sender, request, user, **kwargs) -> None:
    """Start both clocks when the user logs in (`user_logged_in`), so the first request after
    the login does not write the session again."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[STARTED] = now
        request.session[LAST_SEEN] = now


class SessionLimitsMiddleware:
    """The limits for every page that needs a login (the API checks them in its session
    authentication). After the auth and messages middleware. A view marked
    login_not_required (/healthz, the login page) is let through untouched: reading the
    session reads the database, which may be down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "login_required", True) and request.user.is_authenticated:
            enforce_session_limits(request)
        return None
