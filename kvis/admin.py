from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from kvis import registry
from kvis.models import (
    KVI,
    Commitment,
    ForwardPlanItem,
    KVIUpdate,
    Measure,
    MeasureResult,
    Pack,
    PackDelivery,
    RagSettings,
    ReportingPeriod,
    month_lock_error,
)
from kvis.pack_sections import CommitteePackSection


class CommitmentInline(admin.TabularInline):
    model = Commitment
    extra = 0


class MeasureInline(admin.StackedInline):
    model = Measure
    extra = 0
    show_change_link = True
    fields = [
        "position",
        "name",
        "kind",
        "target_value",
        "target_date",
        "target_text",
        "direction",
        "rule_key",
        "frequency",
    ]


@admin.register(KVI)
class KVIAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "owner", "active_from", "active_to"]
    list_filter = ["committees"]
    search_fields = ["code", "title"]
    inlines = [CommitmentInline, MeasureInline]


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kvi", "kind", "target_display", "frequency"]
    list_filter = ["kind", "frequency", "kvi"]
    search_fields = ["name", "kvi__code"]


class LockedMonthReadOnly:
    """Records of a locked month open read-only in the admin and cannot be deleted."""

    def _locked(self, obj) -> bool:
        if obj is None or getattr(obj, "corrected_after_issue", False):
            return False
        kvi_id = getattr(obj, "kvi_id", None) or getattr(obj.measure, "kvi_id", None)
        return month_lock_error(obj.month, kvi_id) is not None

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._locked(obj)


@admin.register(MeasureResult)
class MeasureResultAdmin(LockedMonthReadOnly, SimpleHistoryAdmin):
    list_display = ["measure", "month", "actual", "met_on", "source"]
    list_filter = ["source", "month"]
    search_fields = ["measure__name", "measure__kvi__code"]


@admin.register(KVIUpdate)
class KVIUpdateAdmin(LockedMonthReadOnly, SimpleHistoryAdmin):
    list_display = [
        "kvi",
        "month",
        "revision",
        "status",
        "suggested_rag",
        "reported_rag",
        "is_current",
    ]
    list_filter = ["status", "reported_rag", "month", "is_current"]
    search_fields = ["kvi__code", "kvi__title"]
    readonly_fields = [
        "suggested_rag",
        "suggestion_explanation",
        "rag_settings_version",
        "submitted_by",
        "submitted_at",
        "approved_by",
        "approved_at",
        "version",
        "status",
    ]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(SimpleHistoryAdmin):
    list_display = ["month", "locked_at", "locked_by", "lock_reason"]


@admin.register(RagSettings)
class RagSettingsAdmin(admin.ModelAdmin):
    """Settings are versions: saving always adds a new version, so earlier suggestions keep
    the version they were made with."""

    list_display = [
        "version",
        "percentage_amber_tolerance",
        "count_amber_tolerance",
        "score_green_from",
        "score_amber_from",
        "score_exceeded_from",
        "milestone_warning_days",
        "created_at",
        "created_by",
    ]
    readonly_fields = ["version", "created_at", "created_by"]

    def save_model(self, request, obj, form, change):
        obj.pk = None
        with transaction.atomic():
            obj.version = RagSettings.next_version()
            obj.created_by = request.user
            obj.created_at = timezone.now()
            obj.save()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ForwardPlanItem)
class ForwardPlanItemAdmin(SimpleHistoryAdmin):
    list_display = ["decision_date", "item", "service_area", "champion", "committee"]
    list_filter = ["committee"]


class PackDeliveryInline(admin.TabularInline):
    model = PackDelivery
    extra = 0
    readonly_fields = ["recipient", "email", "sent_at", "error"]
    can_delete = False


@admin.register(Pack)
class PackAdmin(SimpleHistoryAdmin):
    """Packs are frozen: the admin shows them; building happens on the packs page."""

    list_display = ["committee", "month", "version", "status", "page_count", "built_at"]
    list_filter = ["committee", "status"]
    inlines = [PackDeliveryInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


class CommitteePackSectionForm(forms.ModelForm):
    key = forms.ChoiceField(choices=registry.pack_section_choices)

    class Meta:
        model = CommitteePackSection
        fields = ["committee", "key", "position"]


@admin.register(CommitteePackSection)
class CommitteePackSectionAdmin(admin.ModelAdmin):
    """Which register sections each committee's pack carries, and in what order."""

    form = CommitteePackSectionForm
    list_display = ["committee", "position", "key", "title"]
    list_editable = ["position"]
    list_filter = ["committee"]
