"""How API callers authenticate (DEFAULT_AUTHENTICATION_CLASSES). A module of its own: DRF
imports it while it builds APIView, so it must not import rest_framework.views."""

from rest_framework import authentication

from core.sessions import enforce_session_limits


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's, with the pages' session limits: an idle or too old session is logged out and the
    request is anonymous (401)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None and enforce_session_limits(request._request):
            return None
        return result
