"""A page and an API view that meet a locked SQLite database, for the bad-input tests."""

from django.db import OperationalError
from django.urls import include, path
from rest_framework.views import APIView

from kvi_portal import urls as site_urls


def _raise(message):
    raise OperationalError(message)


class LockedAPIView(APIView):
    def get(self, request):
        _raise(request.GET.get("error", "database is locked"))


def locked_page(request):
    _raise(request.GET.get("error", "database is locked"))


urlpatterns = [
    path("locked-page/", locked_page),
    path("api/locked/", LockedAPIView.as_view()),
    path("", include(site_urls)),
]
