"""Pages of the reporting calendar: meetings (pack, decisions due and recorded, action log),
the forward plan, notifications. My updates is in my_updates.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View
from django.views.generic import ListView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from core.calendar import localdate
from core.errors import ApplicationError
from core.exports import TableExportMixin
from core.views import ServiceFormView
from meetings import selectors, services
from meetings.filters import ForwardPlanFilter, MeetingFilter
from meetings.forms import ActionForm, CompleteActionForm, DecisionForm
from meetings.models import Action, Meeting
from meetings.tables import ForwardPlanTable, MeetingTable


class MeetingListView(PermissionRequiredMixin, TableExportMixin, SingleTableMixin, FilterView):
    permission_required = "meetings.view_meeting"
    table_class = MeetingTable
    filterset_class = MeetingFilter
    template_name = "meetings/meeting_list.html"
    export_name = "meetings"

    def get_queryset(self):
        return selectors.meetings_list()

    def get_context_data(self, **kwargs):
        return super().get_context_data(approval_rounds=selectors.approval_rounds(), **kwargs)


def _meeting(pk: int) -> Meeting:
    try:
        return selectors.meeting_detail(pk)
    except Meeting.DoesNotExist as exc:
        raise Http404("No such meeting.") from exc


def meeting_context(request, meeting: Meeting, **forms) -> dict:
    """Everything the meeting page shows."""
    today = localdate()
    as_at = selectors.status_day(meeting, today)
    decisions_due = list(selectors.decisions_due(meeting))
    return {
        "meeting": meeting,
        "today": today,
        "as_at": as_at,
        "pack": selectors.meeting_pack(meeting),
        "submission": selectors.deadline(meeting.submission_deadline, today),
        "approval": selectors.deadline(meeting.approval_deadline, today),
        "waiting": list(selectors.waiting_approval(meeting)),
        "decisions_due": [
            (item, selectors.plan_item_status(item, as_at)) for item in decisions_due
        ],
        "decisions": list(selectors.meeting_decisions(meeting)),
        "actions": selectors.meeting_actions(meeting, today),
        "decision_form": forms.get("decision_form")
        or DecisionForm(items=selectors.decisions_due(meeting)),
        "action_form": forms.get("action_form") or ActionForm(initial={"start": meeting.date}),
        "can_complete": {
            row.action.pk
            for row in selectors.meeting_actions(meeting, today)
            if not row.action.completed_on and services.may_complete(row.action, request.user)
        },
        "complete_error": forms.get("complete_error"),
    }


class MeetingDetailView(PermissionRequiredMixin, View):
    permission_required = "meetings.view_meeting"
    template_name = "meetings/meeting_detail.html"

    def get(self, request, pk: int):
        meeting = _meeting(pk)
        return render(request, self.template_name, meeting_context(request, meeting))


class DecisionRecordView(ServiceFormView):
    """Record a decision taken at the meeting."""

    permission_required = "meetings.add_decision"
    form_class = DecisionForm
    template_name = "meetings/meeting_detail.html"
    success_message = "Decision recorded."

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.meeting = _meeting(kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "items": selectors.decisions_due(self.meeting)}

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None)
        return {**kwargs, **meeting_context(self.request, self.meeting, decision_form=form)}

    def perform(self, form):
        services.decision_record(meeting=self.meeting, by=self.request.user, **form.cleaned_data)
        return self.meeting


class ActionCreateView(ServiceFormView):
    """Raise an action at the meeting."""

    permission_required = "meetings.add_action"
    form_class = ActionForm
    template_name = "meetings/meeting_detail.html"
    success_message = "Action added to the log."

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.meeting = _meeting(kwargs["pk"])

    def get_context_data(self, **kwargs):
        form = kwargs.pop("form", None)
        return {**kwargs, **meeting_context(self.request, self.meeting, action_form=form)}

    def perform(self, form):
        services.action_create(meeting=self.meeting, data=form.cleaned_data, by=self.request.user)
        return self.meeting


class ActionCompleteView(PermissionRequiredMixin, View):
    """The owner marks an action complete with a note."""

    permission_required = "meetings.change_action"

    def post(self, request, pk: int, action_pk: int):
        meeting = _meeting(pk)
        action = get_object_or_404(Action, pk=action_pk)
        form = CompleteActionForm(request.POST)
        if not form.is_valid():
            messages.error(request, services.COMPLETION_NEEDS_NOTE)
            return redirect(meeting)
        try:
            services.action_complete(
                action=action,
                note=form.cleaned_data["completion_note"],
                version=form.cleaned_data["version"],
                by=request.user,
            )
        except ApplicationError as error:
            context = meeting_context(request, meeting, complete_error=(action.pk, error.message))
            return render(request, "meetings/meeting_detail.html", context, status=409)
        messages.success(request, f"“{action.title}” is complete.")
        return redirect(meeting)


class ForwardPlanView(PermissionRequiredMixin, TableExportMixin, SingleTableMixin, FilterView):
    """Decisions coming to each committee: filterable, exportable (CSV, XLSX)."""

    permission_required = "kvis.view_forwardplanitem"
    table_class = ForwardPlanTable
    filterset_class = ForwardPlanFilter
    template_name = "meetings/forward_plan.html"
    export_name = "forward-plan"

    def get_queryset(self):
        return selectors.forward_plan()


class NotificationListView(ListView):
    """The signed-in user's notifications, newest first; opening the list marks them read
    (those unread until now stay highlighted on this showing)."""

    template_name = "meetings/notifications.html"
    paginate_by = 50
    context_object_name = "notifications"

    def get_queryset(self):
        return selectors.notifications_for(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shown = [n.pk for n in context["notifications"]]
        context["newly_read"] = set(
            selectors.notifications_for(self.request.user)
            .filter(pk__in=shown, read_at__isnull=True)
            .values_list("pk", flat=True)
        )
        services.notifications_mark_read(recipient=self.request.user, ids=shown)
        return context
