"""The project's URLs plus `/bench/floor/`: a bare view returning a constant, the floor the
bench compares pages with. It still passes every middleware (session, login required)."""

from django.http import HttpResponse
from django.urls import path

from kvi_portal.urls import urlpatterns as project_urlpatterns


def floor(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *project_urlpatterns]
