from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from core.models import ClosureDay, Committee, Constituency, Organisation, WorkerHeartbeat


@admin.register(Constituency)
class ConstituencyAdmin(SimpleHistoryAdmin):
    search_fields = ["name"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "constituency", "is_customer", "is_party"]
    list_filter = ["is_customer", "is_party", "constituency"]
    search_fields = ["name", "short_name"]
    filter_horizontal = ["users"]


@admin.register(Committee)
class CommitteeAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name"]
    filter_horizontal = ["members"]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "beat_at"]
    readonly_fields = ["hostname", "beat_at"]


@admin.register(ClosureDay)
class ClosureDayAdmin(SimpleHistoryAdmin):
    list_display = ["day", "reason"]
