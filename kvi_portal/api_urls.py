"""The REST API under /api/: token, schema, docs and every register's endpoints.

The API answers 401/403 itself, so its views are exempt from the login redirect that pages get.
"""

from csp.decorators import csp_exempt
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny
from rest_framework.routers import SimpleRouter

from core import tokens
from core.api import NotFoundView
from issues import api as issues_api
from kvis import api as kvis_api
from meetings import api as meetings_api
from performance_plans import api as plans_api
from surveys import api as surveys_api

router = SimpleRouter()
router.register("kvis", kvis_api.KVIViewSet, basename="kvi")
router.register("issues", issues_api.IssueViewSet, basename="issue")
router.register("breaches", issues_api.BreachViewSet, basename="breach")
router.register("communications", issues_api.CommunicationViewSet, basename="communication")
router.register("plans", plans_api.PlanViewSet, basename="plan")
router.register("packs", kvis_api.PackViewSet, basename="pack")
router.register("surveys/rounds", surveys_api.RoundViewSet, basename="survey-round")
router.register("meetings", meetings_api.MeetingViewSet, basename="meeting")
router.register("actions", meetings_api.ActionViewSet, basename="action")
router.register("forward-plan", meetings_api.ForwardPlanItemViewSet, basename="forward-plan-item")

for pattern in router.urls:
    pattern.callback.login_required = False

urlpatterns = [
    path("auth/token/", login_not_required(tokens.TokenLoginView.as_view()), name="api-token"),
    path(
        "auth/logout/", login_not_required(tokens.TokenLogoutView.as_view()), name="api-logout"
    ),
    path(
        "auth/logout-all/",
        login_not_required(tokens.TokenLogoutAllView.as_view()),
        name="api-logout-all",
    ),
    path(
        "schema/",
        login_not_required(SpectacularAPIView.as_view(permission_classes=[AllowAny])),
        name="api-schema",
    ),
    path(
        "docs/",
        # Swagger UI's set-up script is a file of its own (the split view), but Swagger UI does
        # not render under the site's policy (the browser test): this page, which shows the
        # schema and no user's data, goes without one for now.
        login_not_required(
            csp_exempt()(
                SpectacularSwaggerSplitView.as_view(
                    url_name="api-schema", permission_classes=[AllowAny]
                )
            )
        ),
        name="api-docs",
    ),
    path("", include(router.urls)),
    re_path(r"^", login_not_required(NotFoundView.as_view()), name="api-not-found"),
]
