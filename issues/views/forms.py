"""Pages of the registers that write: one form, one service each (core.views.ServiceFormView)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View

from core.errors import ApplicationError
from core.views import ServiceFormView
from issues import rules, selectors, services
from issues.forms import (
    ActionDoneForm,
    BreachForm,
    CommunicationForm,
    IssueForm,
    IssueScoreForm,
    IssueStatusForm,
    TaskForm,
    VersionReadForm,
)
from issues.models import (
    Breach,
    Communication,
    Issue,
    IssueAction,
    RectificationTask,
)
from issues.views.pages import breach_page, issue_page

# --- Forms ----------------------------------------------------------------------------------


class RegisterFormView(ServiceFormView):
    """core's service-form view on the registers' form template, with a way back."""

    template_name = "issues/form.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(cancel_url=self.cancel_url(), **kwargs)

    def cancel_url(self) -> str:
        return reverse("issues:index")

    def refuse(self, form, *, status: int, **context):
        # The record's current values under the labels the form shows them with.
        current = context.pop("conflict_current", None) or {}
        labels = {name: field.label or name for name, field in form.fields.items()}
        shown = {labels.get(k, k.replace("_", " ")): v for k, v in current.items()}
        return super().refuse(form, status=status, conflict_current=shown, **context)


def _fields(form, *, drop=("version",)) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if k not in drop}


class IssueCreateView(RegisterFormView):
    permission_required = "issues.add_issue"
    form_class = IssueForm
    heading = "Log an issue"

    def get_initial(self):
        return {"owner": self.request.user, "identified_at": timezone.localtime()}

    def perform(self, form):
        return services.issue_create(**_fields(form), by=self.request.user)

    def success_url_for(self, obj):
        return reverse("issues:issue_detail", args=[obj.pk])


class IssueChildMixin:
    """Views that act on one issue find it once."""

    @cached_property
    def issue(self):
        # Looked up on first use, so the permission check comes first (403 before 404).
        return get_object_or_404(Issue, pk=self.kwargs["pk"])

    def cancel_url(self):
        return reverse("issues:issue_detail", args=[self.issue.pk])

    def success_url_for(self, obj):
        return self.cancel_url()


class IssueUpdateView(IssueChildMixin, RegisterFormView):
    permission_required = "issues.change_issue"
    form_class = IssueForm

    @property
    def heading(self):
        return f"Edit {self.issue.reference}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Issue.objects.get(pk=self.issue.pk)}

    def perform(self, form):
        return services.issue_update(
            issue=self.issue,
            version=form.cleaned_data["version"],
            by=self.request.user,
            **_fields(form),
        )


class IssueScoreView(IssueChildMixin, RegisterFormView):
    permission_required = "issues.rescore_issue"
    form_class = IssueScoreForm
    success_message = "Scored; the band's actions are scheduled."

    @property
    def heading(self):
        return f"Score {self.issue.reference}"

    def get_initial(self):
        issue = self.issue
        return {"impact": issue.impact, "financial": issue.financial, "version": issue.version}

    def perform(self, form):
        return services.issue_score(issue=self.issue, **form.cleaned_data, by=self.request.user)


class IssueStatusView(IssueChildMixin, RegisterFormView):
    permission_required = "issues.change_issue"
    form_class = IssueStatusForm
    success_message = "Status changed."

    @property
    def heading(self):
        return f"Change the status of {self.issue.reference}"

    def get_initial(self):
        return {"status": self.issue.status, "version": self.issue.version}

    def perform(self, form):
        return services.issue_set_status(
            issue=self.issue, **form.cleaned_data, by=self.request.user
        )


class ActionDoneView(RegisterFormView):
    permission_required = "issues.change_issueaction"
    form_class = ActionDoneForm
    success_message = "Action recorded as done."

    @cached_property
    def action(self):
        return get_object_or_404(IssueAction.objects.select_related("issue"), pk=self.kwargs["pk"])

    @property
    def heading(self):
        return f"{self.action.get_kind_display()} – {self.action.issue.reference}"

    def get_initial(self):
        return {"done_at": timezone.localtime()}

    def cancel_url(self):
        return reverse("issues:issue_detail", args=[self.action.issue_id])

    def perform(self, form):
        return services.issue_action_complete(
            action=self.action, **form.cleaned_data, by=self.request.user
        )

    def success_url_for(self, obj):
        return self.cancel_url()


class TaskCreateView(IssueChildMixin, RegisterFormView):
    permission_required = "issues.add_rectificationtask"
    form_class = TaskForm
    success_message = "Task added to the rectification plan."

    @property
    def heading(self):
        return f"Add a rectification task to {self.issue.reference}"

    def get_initial(self):
        return {"owner": self.request.user}

    def perform(self, form):
        return services.task_create(issue=self.issue, by=self.request.user, **_fields(form))


class VersionedUpdateView(RegisterFormView):
    """Edit one versioned record through its update service; a stale version is refused (409,
    with the record's current values)."""

    model = None
    service = None
    #: The service's keyword for the record, e.g. "breach".
    record_kwarg = ""
    detail_url_name = ""

    @cached_property
    def record(self):
        # Looked up on first use, so the permission check comes first (403 before 404).
        return get_object_or_404(self.model, pk=self.kwargs["pk"])

    @property
    def heading(self):
        return f"Edit {self.record}"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.model.objects.get(pk=self.record.pk)}

    def detail_pk(self) -> int:
        return self.record.pk

    def cancel_url(self):
        return reverse(self.detail_url_name, args=[self.detail_pk()])

    def perform(self, form):
        return type(self).service(
            **{self.record_kwarg: self.record},
            version=form.cleaned_data["version"],
            by=self.request.user,
            **_fields(form),
        )

    def success_url_for(self, obj):
        return self.cancel_url()


class TaskUpdateView(VersionedUpdateView):
    permission_required = "issues.change_rectificationtask"
    form_class = TaskForm
    model = RectificationTask
    service = services.task_update
    record_kwarg = "task"
    detail_url_name = "issues:issue_detail"

    def detail_pk(self) -> int:
        return self.record.issue_id


class BreachCreateView(RegisterFormView):
    permission_required = "issues.add_breach"
    form_class = BreachForm
    heading = "Log a data breach"

    def get_initial(self):
        return {"owner": self.request.user, "identified_at": timezone.localtime()}

    def perform(self, form):
        return services.breach_create(**_fields(form))

    def success_message_for(self, breach) -> str:
        clocks = selectors.breach_clocks(breach)
        return rules.breach_logged_message(clocks.notification, clocks.resolution)

    def success_url_for(self, obj):
        return reverse("issues:breach_detail", args=[obj.pk])


class BreachUpdateView(VersionedUpdateView):
    permission_required = "issues.change_breach"
    form_class = BreachForm
    model = Breach
    service = services.breach_update
    record_kwarg = "breach"
    detail_url_name = "issues:breach_detail"


class CommunicationCreateView(RegisterFormView):
    permission_required = "issues.add_communication"
    form_class = CommunicationForm
    heading = "Record a communication"

    def get_initial(self):
        return {"owner": self.request.user, "sent_at": timezone.localtime()}

    def perform(self, form):
        return services.communication_create(**_fields(form))

    def success_url_for(self, obj):
        return reverse("issues:communication_detail", args=[obj.pk])


class CommunicationUpdateView(VersionedUpdateView):
    permission_required = "issues.change_communication"
    form_class = CommunicationForm
    model = Communication
    service = services.communication_update
    record_kwarg = "communication"
    detail_url_name = "issues:communication_detail"


# --- One-click actions ----------------------------------------------------------------------


class OneClickView(PermissionRequiredMixin, View):
    """A button on a detail page that records one thing now (POST only). A refusal (already
    recorded, a stale page) shows the page again with the message above it, answering 409."""

    http_method_names = ["post"]
    template_name = ""

    def page(self, request, pk: int, **extra) -> dict:
        raise NotImplementedError

    def refuse(self, request, pk: int, error: ApplicationError):
        context = self.page(request, pk, action_error=error.message)
        return render(request, self.template_name, context, status=409)


class BreachClockRecordView(OneClickView):
    """Record a breach's notification or resolution as done now, from the version shown."""

    permission_required = "issues.change_breach"
    template_name = "issues/breach_detail.html"
    service = None
    #: Which clock: "notification" or "resolution" (selectors.BreachClocks' attribute).
    clock = ""

    def page(self, request, pk, **extra):
        return breach_page(request, pk, **extra)

    def post(self, request, pk: int):
        breach = get_object_or_404(Breach, pk=pk)
        form = VersionReadForm(request.POST)
        version = form.cleaned_data["version"] if form.is_valid() else None
        try:
            breach = type(self).service(breach=breach, version=version, by=request.user)
        except ApplicationError as error:
            return self.refuse(request, pk, error)
        state = getattr(selectors.breach_clocks(breach), self.clock)
        messages.success(request, f"{self.clock.capitalize()} recorded: {state.text}.")
        return redirect("issues:breach_detail", pk)


class BreachRecordNotificationView(BreachClockRecordView):
    service = services.breach_record_notification
    clock = "notification"


class BreachRecordResolutionView(BreachClockRecordView):
    service = services.breach_record_resolution
    clock = "resolution"


class ActionDoneNowView(OneClickView):
    """Record an issue's required action as done now."""

    permission_required = "issues.change_issueaction"
    template_name = "issues/issue_detail.html"

    def page(self, request, pk, **extra):
        return issue_page(request, pk, **extra)

    def post(self, request, pk: int):
        action = get_object_or_404(IssueAction.objects.select_related("issue"), pk=pk)
        try:
            action = services.issue_action_complete(action=action, by=request.user)
        except ApplicationError as error:
            return self.refuse(request, action.issue_id, error)
        state = rules.clock_state(action.due_at, action.done_at, timezone.now())
        messages.success(request, f"{action.get_kind_display()} recorded as done: {state.text}.")
        return redirect("issues:issue_detail", action.issue_id)
