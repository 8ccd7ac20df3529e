"""Views: thin adapters. Who may do what is declared on each view (`permission_required`) and
checked against the plan by django-rules (object permissions from predicates.py); a plan the
user may not see is a 404, wherever it is asked for. Forms build on core's ServiceFormView."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from rules.contrib.views import PermissionRequiredMixin as ObjectPermissionRequiredMixin

from core.exports import TableExportMixin
from core.views import ServiceFormView
from performance_plans import selectors, services
from performance_plans.filters import PlanFilter
from performance_plans.forms import (
    ActionForm,
    ChaseForm,
    CloseForm,
    EscalationForm,
    EvidenceForm,
    GapForm,
    PlanCreateForm,
    PlanEditForm,
    ReviewForm,
    TransitionForm,
)
from performance_plans.models import Evidence, Gap, Plan, Review
from performance_plans.rules import Step
from performance_plans.tables import PlanTable

VIEW_PLAN = "performance_plans.view_plan"
CHANGE_PLAN = "performance_plans.change_plan"


class PlanListView(PermissionRequiredMixin, TableExportMixin, SingleTableMixin, FilterView):
    permission_required = VIEW_PLAN
    table_class = PlanTable
    filterset_class = PlanFilter
    template_name = "performance_plans/plan_list.html"
    export_name = "improvement-plans"

    def get_queryset(self):
        return selectors.plans_visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = self.request.user.has_perm("performance_plans.add_plan")
        return context


class PlanObjectMixin(ObjectPermissionRequiredMixin):
    """The view's declared permission (`permission_required`), checked against the plan by the
    rules of predicates.py. A user whose role lacks it is refused (403) before the plan is
    looked up; a plan the user may not see is a 404. Sets `self.plan`."""

    plan_kwarg = "pk"

    def get_plan(self) -> Plan:
        return get_object_or_404(
            selectors.plans_visible_to(self.request.user), pk=self.kwargs[self.plan_kwarg]
        )

    def get_permission_object(self) -> Plan | None:
        if not self.request.user.has_perms(self.get_permission_required()):
            return None  # the role alone refuses: no plan is looked up, nothing is revealed
        self.plan = self.get_plan()
        return self.plan

    def plan_url(self) -> str:
        return reverse("plans:detail", args=[self.plan.pk])

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.plan, **kwargs)


class PlanDetailView(PlanObjectMixin, TemplateView):
    permission_required = VIEW_PLAN
    template_name = "performance_plans/plan_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        can_change = user.has_perm(CHANGE_PLAN, self.plan)
        page = selectors.plan_page(self.plan)
        return super().get_context_data(
            **page,
            can_change=can_change,
            can_chase=user.has_perm("performance_plans.add_chase", self.plan),
            can_escalate=user.has_perm("performance_plans.add_escalation", self.plan),
            transition_form=TransitionForm(
                initial={"to": page["next_step"] or "", "version": self.plan.version}
            ),
            closes_next=page["next_step"] is Step.CLOSED,
            **kwargs,
        )


class PlanFormView(PlanObjectMixin, ServiceFormView):
    """A form about one plan: `perform(form)` calls one service; a refusal answers 409 with the
    form (and, for a stale version, the plan's current values) and nothing is saved."""

    permission_required = CHANGE_PLAN
    template_name = "performance_plans/plan_form.html"
    success_message = ""

    def success_url_for(self, obj) -> str:
        return self.plan_url()


class PlanCreateView(ServiceFormView):
    permission_required = "performance_plans.add_plan"
    form_class = PlanCreateForm
    template_name = "performance_plans/plan_form.html"
    heading = "Put a party on an improvement plan"

    def perform(self, form):
        data = {
            k: v for k, v in form.cleaned_data.items() if not k.startswith(("cause_", "explain_"))
        }
        return services.plan_create(**data, root_causes=form.root_causes(), by=self.request.user)

    def success_message_for(self, plan) -> str:
        return f"Plan created for {plan.party}."

    def success_url_for(self, plan) -> str:
        return reverse("plans:detail", args=[plan.pk])


class PlanEditView(PlanFormView):
    form_class = PlanEditForm
    success_message = "Plan saved."

    @property
    def heading(self) -> str:
        return f"Edit the plan record: {self.plan}"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = Plan.objects.get(pk=self.plan.pk)
        kwargs.setdefault("initial", {})["version"] = self.plan.version
        return kwargs

    def perform(self, form):
        changes = {name: form.cleaned_data[name] for name in services.EDITABLE_FIELDS}
        if not form.cleaned_data.get("notification_document"):
            changes.pop("notification_document")
        # A stale version raises StaleVersion: shown on the form beside the current values.
        return services.plan_update(
            plan=self.plan,
            version=form.cleaned_data["version"],
            changes=changes,
            by=self.request.user,
        )


class GapAddView(PlanFormView):
    form_class = GapForm
    heading = "Add a gap in performance"
    success_message = "Gap added."

    def perform(self, form):
        return services.gap_add(plan=self.plan, by=self.request.user, **form.cleaned_data)


class EvidenceAddView(PlanFormView):
    form_class = EvidenceForm
    success_message = "Evidence added."

    def get_plan(self) -> Plan:
        plan = super().get_plan()
        self.gap = get_object_or_404(Gap, pk=self.kwargs["gap_pk"], plan=plan)
        return plan

    @property
    def heading(self) -> str:
        return f"Add evidence for the gap “{self.gap}”"

    def perform(self, form):
        return services.evidence_add(gap=self.gap, by=self.request.user, **form.cleaned_data)


class ActionAddView(PlanFormView):
    form_class = ActionForm
    heading = "Add an action"
    success_message = "Action added."

    def perform(self, form):
        return services.action_add(plan=self.plan, by=self.request.user, **form.cleaned_data)


class ReviewRecordView(PlanFormView):
    form_class = ReviewForm
    success_message = "Review recorded; the next one is scheduled."

    def get_plan(self) -> Plan:
        plan = super().get_plan()
        self.review = get_object_or_404(Review, pk=self.kwargs["review_pk"], plan=plan)
        return plan

    @property
    def heading(self) -> str:
        return f"Record the review scheduled for {self.review.scheduled_on:%d %b %Y}"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["actions"] = self.plan.actions.all()
        # Meetings are recorded once held: default to today when the review is still ahead.
        held_on = min(self.review.scheduled_on, timezone.localdate())
        kwargs.setdefault("initial", {})["held_on"] = held_on
        return kwargs

    def perform(self, form):
        data = form.cleaned_data
        return services.review_record(
            review=self.review,
            held_on=data["held_on"],
            attendees=data["attendees"],
            notes=data["notes"],
            plan_rag=data["plan_rag"],
            progress=form.progress(),
            by=self.request.user,
        )


class ChaseAddView(PlanFormView):
    permission_required = "performance_plans.add_chase"
    form_class = ChaseForm
    heading = "Log a chase for an update"
    success_message = "Chase logged."

    def get_initial(self):
        return {"chased_on": timezone.localdate()}

    def perform(self, form):
        return services.chase_log(plan=self.plan, by=self.request.user, **form.cleaned_data)


class EscalationAddView(PlanFormView):
    permission_required = "performance_plans.add_escalation"
    form_class = EscalationForm
    heading = "Record an escalation"
    success_message = "Escalation recorded and sent."

    def perform(self, form):
        return services.escalation_record(plan=self.plan, by=self.request.user, **form.cleaned_data)


class PlanCloseView(PlanFormView):
    form_class = CloseForm
    heading = "Close the plan"
    success_message = "Plan closed; the final documentation is in the PAC pack."

    def get_initial(self):
        return {
            "version": self.plan.version,
            "actions_taken": self.plan.actions_taken or selectors.final_actions_summary(self.plan),
            "results_achieved": self.plan.results_achieved,
            "outcome": self.plan.outcome,
        }

    def perform(self, form):
        return services.plan_close(plan=self.plan, by=self.request.user, **form.cleaned_data)


class PlanTransitionView(PlanObjectMixin, View):
    permission_required = CHANGE_PLAN
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = TransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, "The request to move the plan was incomplete.")
            return redirect(self.plan_url())
        try:
            plan = services.plan_transition(
                plan=self.plan,
                to=form.cleaned_data["to"],
                version=form.cleaned_data["version"],
                by=request.user,
            )
        except services.ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"The plan is now at “{plan.step_label}”.")
        return redirect(self.plan_url())


class PlanFileView(PlanObjectMixin, View):
    """A plan's document or evidence file, for those who may see the plan."""

    permission_required = VIEW_PLAN

    def get(self, request, *args, **kwargs):
        which = kwargs["which"]
        if which == "evidence":
            evidence = get_object_or_404(Evidence, pk=kwargs["item"], gap__plan=self.plan)
            field = evidence.file
        elif which in {"notification", "impact"} and kwargs["item"] == self.plan.pk:
            field = getattr(self.plan, f"{which}_document")
        else:
            raise Http404
        if not field:
            raise Http404
        return FileResponse(
            field.open("rb"), as_attachment=True, filename=field.name.split("/")[-1]
        )


class RaciMatrixView(PermissionRequiredMixin, TemplateView):
    permission_required = "performance_plans.view_activity"
    template_name = "performance_plans/raci.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**selectors.raci_matrix(), **kwargs)
