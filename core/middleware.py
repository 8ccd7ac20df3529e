"""Middleware of the project."""

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
