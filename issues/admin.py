from django.contrib import admin
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from issues.comms_weights import DEFAULT_WEIGHTS
from issues.models import (
    Band,
    Breach,
    BreachPolicy,
    CommsWeights,
    Communication,
    Issue,
    IssueAction,
    IssueScoring,
    RectificationTask,
    ReminderSent,
    ScoringMatrix,
)


class VersionedSettingsAdmin(SimpleHistoryAdmin):
    """A new row is the next version; its number is given, not typed."""

    readonly_fields = ["version", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.version = type(obj).next_version()  # the admin saves inside a transaction
        super().save_model(request, obj, form, change)


class BandInline(admin.TabularInline):
    model = Band
    extra = 0


@admin.register(ScoringMatrix)
class ScoringMatrixAdmin(VersionedSettingsAdmin):
    list_display = ["version", "created_at"]
    inlines = [BandInline]


@admin.register(Band)
class BandAdmin(SimpleHistoryAdmin):
    list_display = ["matrix", "name", "min_score", "max_score", "notify_days", "plan_days"]


@admin.register(CommsWeights)
class CommsWeightsAdmin(admin.ModelAdmin):
    """A change of weights is a new version; the versions before it stay as scored with."""

    list_display = ["version", *DEFAULT_WEIGHTS, "created_at"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            obj.version = CommsWeights.next_version()
            super().save_model(request, obj, form, change)


@admin.register(BreachPolicy)
class BreachPolicyAdmin(VersionedSettingsAdmin):
    list_display = [
        "version",
        "notify_within_hours",
        "resolve_within_business_days",
        "max_critical_high",
        "max_medium",
        "max_low",
    ]


class ActionInline(admin.TabularInline):
    model = IssueAction
    extra = 0


class TaskInline(admin.TabularInline):
    model = RectificationTask
    extra = 0


@admin.register(Issue)
class IssueAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "score", "band", "status", "identified_at", "owner"]
    list_filter = ["status", "band", "category", "identified_by"]
    search_fields = ["reference", "title"]
    readonly_fields = ["reference", "score", "band", "matrix_version"]
    inlines = [ActionInline, TaskInline]


@admin.register(IssueScoring)
class IssueScoringAdmin(SimpleHistoryAdmin):
    list_display = ["issue", "score", "band", "matrix_version", "scored_by", "scored_at"]


@admin.register(IssueAction)
class IssueActionAdmin(SimpleHistoryAdmin):
    list_display = ["issue", "kind", "due_at", "done_at"]


@admin.register(RectificationTask)
class RectificationTaskAdmin(SimpleHistoryAdmin):
    list_display = ["issue", "description", "owner", "due_date", "done_date"]


@admin.register(Breach)
class BreachAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "severity", "identified_at", "notified_at", "resolved_at"]
    list_filter = ["severity"]
    readonly_fields = ["reference", "notification_due", "resolution_due", "policy_version"]


@admin.register(Communication)
class CommunicationAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "subject", "kind", "sent_at", "quality_score"]
    list_filter = ["kind"]


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ["subject_key", "stage", "deadline", "sent_at"]
    readonly_fields = ["subject_key", "stage", "deadline", "recipients", "sent_at"]
