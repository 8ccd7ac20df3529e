from django.apps import AppConfig


class PerformancePlansConfig(AppConfig):
    name = "performance_plans"
    verbose_name = "Performance improvement plans"
