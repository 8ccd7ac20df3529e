from django.urls import path
from django.views.generic import TemplateView

app_name = "plans"

urlpatterns = [
    path("", TemplateView.as_view(template_name="performance_plans/area_home.html"), name="index"),
]
