"""API tokens (django-rest-knox): one per login, stored hashed, expiring after
REST_KNOX["TOKEN_TTL"]; revoked by logout, logout-all, the user's own tokens page, an admin
(Django admin, "Auth tokens") and any change of the user's password."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import TemplateView
from drf_spectacular.utils import extend_schema, inline_serializer
from knox import views as knox_views
from knox.models import AuthToken
from rest_framework import exceptions, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny

REVOKED_ONE = "The token was revoked: it no longer works."
REVOKED_ALL = "All your API tokens were revoked."


def tokens_of(user) -> QuerySet[AuthToken]:
    """The user's tokens that still work, newest first."""
    return AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")


def token_revoke(*, user, digest: str) -> int:
    """Revoke one of the user's own tokens, named by its digest (a hash: not the token)."""
    deleted, _ = AuthToken.objects.filter(user=user, digest=digest).delete()
    return deleted


def tokens_revoke_all(*, user) -> int:
    """Revoke every token of the user (logout-all, a password change)."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


class RevokeTokensOnPasswordChange:
    """In AUTH_PASSWORD_VALIDATORS for Django's `password_changed` hook, which every password
    change calls (the password change and reset pages, the admin, `changepassword`): a token
    issued under the old password stops working. Validates nothing."""

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is not None and user.pk is not None:
            tokens_revoke_all(user=user)

    def get_help_text(self):
        return ""


IssuedToken = inline_serializer(
    "IssuedToken",
    {"token": serializers.CharField(), "expiry": serializers.DateTimeField()},
)


class TokenLoginView(knox_views.LoginView):
    """POST /api/auth/token/ with username and password: a new token for this login and when
    it expires. Each login gets its own token; none is ever re-issued."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    serializer_class = AuthTokenSerializer

    def get_authenticate_header(self, request):
        # A login that fails is 401 with the scheme to use (not DRF's 400, nor the 403 it gives
        # a 401 of a view without authentication classes).
        return "Token"

    @extend_schema(request=AuthTokenSerializer, responses=IssuedToken)
    def post(self, request, format=None):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        try:
            serializer.is_valid(raise_exception=True)
        except exceptions.ValidationError as error:
            codes = serializer.errors.get("non_field_errors", [])
            if any(getattr(c, "code", None) == "authorization" for c in codes):
                raise exceptions.AuthenticationFailed(str(codes[0])) from None
            raise error
        request.user = serializer.validated_data["user"]
        return super().post(request, format)


class TokenLogoutView(knox_views.LogoutView):
    """POST /api/auth/logout/ with a token: that token stops working (204)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format)


class TokenLogoutAllView(knox_views.LogoutAllView):
    """POST /api/auth/logout-all/ with a token: every token of its user stops working (204)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format)


class TokenListView(TemplateView):
    """The account's API tokens page: when each working token was issued and expires, with a
    button to revoke it or all of them. Every logged-in user has one."""

    template_name = "account/tokens.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(tokens=tokens_of(self.request.user), **kwargs)

    def post(self, request):
        if "all" in request.POST:
            tokens_revoke_all(user=request.user)
            messages.success(request, REVOKED_ALL)
        elif token_revoke(user=request.user, digest=request.POST.get("digest", "")):
            messages.success(request, REVOKED_ONE)
        return redirect("api_tokens")
