"""Middleware of the project."""

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.shortcuts import render

from core.errors import DATABASE_BUSY, database_is_locked


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's, but a view marked login_not_required is let through before the user is
    looked up: with a session cookie, the lookup reads the database, so during a database
    outage /healthz and the login page would answer 500 instead of their own response."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class DatabaseBusyMiddleware:
    """A page that meets a locked SQLite database (another write held the lock past the
    timeout) answers 503 with the message and Retry-After instead of a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not database_is_locked(exception):
            return None
        response = render(request, "503.html", {"message": DATABASE_BUSY}, status=503)
        response["Retry-After"] = "1"
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every answer to a logged-in user or a token (pages, API,
    pack PDFs, evidence files), so no browser or proxy keeps a copy; unless the view set its
    own. Static files never get here (WhiteNoise answers them first), nor does an anonymous
    visitor's login page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):  # /healthz: never_cache, and no user lookup
            return response
        user = getattr(request, "user", None)
        if "Authorization" in request.headers or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "no-store"
        return response


class PermissionsPolicyMiddleware:
    """The Permissions-Policy header (settings.PERMISSIONS_POLICY: feature → allowed origins,
    empty for none): the pages use no camera, microphone, location, payment or USB."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})"
            for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response
