from datetime import date

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from meetings.models import (
    Action,
    CommitteeCalendar,
    Decision,
    Meeting,
    Notification,
    Reminder,
    ReminderSettings,
)


class CommitteeCalendarForm(forms.ModelForm):
    schedule = forms.CharField(
        label="Add meetings",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="A year's meeting dates, one per line (YYYY-MM-DD); each meeting takes its "
        "month and deadlines from the numbers above. Dates already scheduled are left as they are.",
    )

    class Meta:
        model = CommitteeCalendar
        fields = ["committee", "submission_days", "approval_days", "pack_days", "secretaries"]

    def clean_schedule(self) -> list[date]:
        days = []
        for line in self.cleaned_data["schedule"].split():
            try:
                days.append(date.fromisoformat(line.strip()))
            except ValueError as exc:
                raise ValidationError(f"“{line}” is not a date as YYYY-MM-DD.") from exc
        return days


@admin.register(CommitteeCalendar)
class CommitteeCalendarAdmin(SimpleHistoryAdmin):
    """A committee's deadlines in business days, its secretaries, and a year's schedule."""

    form = CommitteeCalendarForm
    list_display = ["committee", "submission_days", "approval_days", "pack_days"]
    filter_horizontal = ["secretaries"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        from meetings.services import meetings_schedule

        created = meetings_schedule(
            committee=obj.committee, days=form.cleaned_data["schedule"], by=request.user
        )
        if created:
            self.message_user(request, f"{len(created)} meeting(s) scheduled for {obj.committee}.")


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0
    fields = ["text", "decided_by", "forward_plan_item"]


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0
    fields = ["title", "owner_name", "owner", "start", "due", "completed_on"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    """Enter a meeting's date; the month and deadlines are proposed from the calendar and can
    be changed."""

    list_display = [
        "committee",
        "date",
        "month_reviewed",
        "submission_deadline",
        "approval_deadline",
        "pack_issue_date",
    ]
    list_filter = ["committee"]
    date_hierarchy = "date"
    inlines = [DecisionInline, ActionInline]

    def save_model(self, request, obj, form, change):
        if not change:
            from meetings.services import meeting_dates_for

            dates = meeting_dates_for(obj.committee, obj.date)
            for name in ("month_reviewed", "submission_deadline", "approval_deadline"):
                if not getattr(obj, name):
                    setattr(obj, name, getattr(dates, name))
            obj.pack_issue_date = obj.pack_issue_date or dates.pack_issue_date
        else:
            obj.version += 1
        super().save_model(request, obj, form, change)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if obj is None:
            for name in (
                "month_reviewed",
                "submission_deadline",
                "approval_deadline",
                "pack_issue_date",
            ):
                form.base_fields[name].required = False
                form.base_fields[name].help_text = "Leave empty to take it from the calendar."
        return form


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "owner_name", "start", "due", "completed_on", "meeting"]
    list_filter = ["meeting__committee"]


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(admin.ModelAdmin):
    """A change is saved as a new version."""

    list_display = ["version", "owner_first_days", "approval_warning_days", "created_at"]
    filter_horizontal = ["approvers"]

    def save_model(self, request, obj, form, change):
        obj.pk = None
        obj._state.adding = True
        obj.version = ReminderSettings.next_version()
        super().save_model(request, obj, form, change)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "recipient", "sent_at"]
    list_filter = ["kind"]
    readonly_fields = ["key", "kind", "meeting", "recipient", "notification", "sent_at"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "created_at", "read_at"]
