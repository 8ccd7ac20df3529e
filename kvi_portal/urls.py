from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core import tokens
from core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("no-role/", core_views.no_role, name="no_role"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/tokens/", tokens.TokenListView.as_view(), name="api_tokens"),
    path("kvis/", include("kvis.urls")),
    path("issues/", include("issues.urls")),
    path("surveys/", include("surveys.urls")),
    path("plans/", include("performance_plans.urls")),
    path("meetings/", include("meetings.urls")),
    path("api/", include("kvi_portal.api_urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "KVI Portal administration"
admin.site.site_title = "KVI Portal admin"
