from django.urls import path
from django.views.generic import TemplateView

app_name = "kvis"

urlpatterns = [
    path("", TemplateView.as_view(template_name="kvis/area_home.html"), name="dashboard"),
]
