"""Middleware of the project."""

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Django's, but a view marked login_not_required is let through before the user is
    looked up: with a session cookie, the lookup reads the database, so during a database
    outage /healthz and the login page would answer 500 instead of their own response."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
