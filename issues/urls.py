from django.urls import path
from django.views.generic import TemplateView

app_name = "issues"

urlpatterns = [
    path("", TemplateView.as_view(template_name="issues/area_home.html"), name="index"),
]
