"""Views: thin adapters. Who may do what is declared on each view (model permission) and checked
again against the plan (object permission from predicates.py); a plan the user may not see is a
404, wherever it is asked for."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from core.exports import TableExportMixin
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


class PlanObjectMixin(PermissionRequiredMixin):
    """Loads `self.plan` from the plans the user may see (404 otherwise) and checks the
    view's permission against it (403)."""

    plan_kwarg = "pk"

    def get_plan(self) -> Plan:
        return get_object_or_404(
            selectors.plans_visible_to(self.request.user), pk=self.kwargs[self.plan_kwarg]
        )

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perms(self.get_permission_required()):
            raise PermissionDenied
        self.plan = self.get_plan()
        if not request.user.has_perm(self.object_permission, self.plan):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def object_permission(self) -> str:
        return self.get_permission_required()[0]

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


class PlanFormView(PlanObjectMixin, FormView):
    """A form about one plan: on success call `perform(form)`; an ApplicationError is shown on
    the form and nothing is saved."""

    permission_required = CHANGE_PLAN
    template_name = "performance_plans/plan_form.html"
    heading = ""
    success_message = ""

    def perform(self, form) -> None:
        raise NotImplementedError

    def form_valid(self, form):
        try:
            self.perform(form)
        except services.ApplicationError as exc:
            form.add_error(None, exc.message)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self) -> str:
        return self.plan_url()

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading, **kwargs)


class PlanCreateView(PermissionRequiredMixin, FormView):
    permission_required = "performance_plans.add_plan"
    form_class = PlanCreateForm
    template_name = "performance_plans/plan_form.html"

    def form_valid(self, form):
        data = {
            k: v for k, v in form.cleaned_data.items() if not k.startswith(("cause_", "explain_"))
        }
        plan = services.plan_create(**data, root_causes=form.root_causes(), by=self.request.user)
        messages.success(self.request, f"Plan created for {plan.party}.")
        return redirect("plans:detail", plan.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading="Put a party on an improvement plan", **kwargs)


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
        # A stale version raises PlanConflict: shown on the form with the current values.
        services.plan_update(
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
        services.gap_add(plan=self.plan, by=self.request.user, **form.cleaned_data)


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
        services.evidence_add(gap=self.gap, by=self.request.user, **form.cleaned_data)


class ActionAddView(PlanFormView):
    form_class = ActionForm
    heading = "Add an action"
    success_message = "Action added."

    def perform(self, form):
        services.action_add(plan=self.plan, by=self.request.user, **form.cleaned_data)


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
        services.review_record(
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
        services.chase_log(plan=self.plan, by=self.request.user, **form.cleaned_data)


class EscalationAddView(PlanFormView):
    permission_required = "performance_plans.add_escalation"
    form_class = EscalationForm
    heading = "Record an escalation"
    success_message = "Escalation recorded and sent."

    def perform(self, form):
        services.escalation_record(plan=self.plan, by=self.request.user, **form.cleaned_data)


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
        services.plan_close(plan=self.plan, by=self.request.user, **form.cleaned_data)


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
