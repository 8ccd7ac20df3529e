from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from performance_plans.models import (
    Action,
    ActionProgress,
    Activity,
    ActivityRole,
    Chase,
    Escalation,
    Evidence,
    Gap,
    Plan,
    PlanRootCause,
    PlanSettings,
    RaciRole,
    Review,
)


class RootCauseInline(admin.TabularInline):
    model = PlanRootCause
    extra = 0


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ("party", "title", "step", "next_review_on", "closed_on")
    list_filter = ("step", "party")
    search_fields = ("title", "party__name")
    readonly_fields = ("step", "version", "closed_on", "escalation_flagged_on")
    inlines = [RootCauseInline]


@admin.register(PlanSettings)
class PlanSettingsAdmin(SimpleHistoryAdmin):
    list_display = (
        "version",
        "mandated_review_interval_days",
        "review_interval_days",
        "missed_updates_before_escalation",
        "on_track_max_shortfall",
        "at_risk_max_shortfall",
        "created_at",
    )

    def has_change_permission(self, request, obj=None):
        # A version once used must stay as it was: a change is a new row.
        return obj is None and super().has_change_permission(request, obj)


class ActivityRoleInline(admin.TabularInline):
    model = ActivityRole
    extra = 0


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ("name", "key", "order")
    prepopulated_fields = {"key": ("name",)}
    inlines = [ActivityRoleInline]


@admin.register(RaciRole)
class RaciRoleAdmin(SimpleHistoryAdmin):
    list_display = ("name", "key", "group_name", "order")


for model in (
    PlanRootCause,
    Gap,
    Evidence,
    Action,
    Review,
    ActionProgress,
    Chase,
    Escalation,
    ActivityRole,
):
    admin.site.register(model, SimpleHistoryAdmin)
