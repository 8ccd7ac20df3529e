"""One KVI-month: its page, the monthly update form, the workflow buttons, a correction.

The forms are ServiceFormViews: a service's refusal (a stale version, a locked month, a step
the update's status does not allow) answers 409 with the form, what the user typed and the
current values.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from core.views import ServiceFormView
from kvis import selectors, services
from kvis.forms import CorrectionForm, ReturnForm, UpdateForm, VersionForm
from kvis.models import KVIUpdate, MeasureResult, UpdateStatus, lock_message
from kvis.rules import Rag
from kvis.views.base import kvi_or_404


def update_page_context(user, kvi, month: date) -> dict:
    """What the KVI-month page shows: the current revision, earlier ones, history, buttons."""
    revisions = list(kvi.updates.filter(month=month).select_related("submitted_by", "approved_by"))
    update = next((u for u in revisions if u.is_current), None)
    lock = lock_message(month, kvi.pk)
    results = selectors.results_by_measure(kvi, month)
    return {
        "kvi": kvi,
        "month": month,
        "update": update,
        "revisions": [u for u in revisions if not u.is_current],
        "lock_message": lock,
        "measures": [(m, results.get(m.id)) for m in kvi.measures.all()],
        "history": update.history.select_related("history_user")[:20] if update else [],
        "can_edit": user.has_perm("kvis.change_kviupdate"),
        "can_approve": user.has_perm("kvis.approve_kviupdate"),
        "locked": lock is not None,
        "correction_form": CorrectionForm(),
    }


class UpdateDetailView(PermissionRequiredMixin, TemplateView):
    """One KVI-month: its current revision with workflow buttons, earlier revisions, history."""

    permission_required = "kvis.view_kviupdate"
    template_name = "kvis/update_detail.html"

    def get_context_data(self, code, month, **kwargs):
        context = update_page_context(self.request.user, kvi_or_404(code), month)
        return super().get_context_data(**context, **kwargs)


class _KVIMonthFormView(ServiceFormView):
    """A form about one KVI-month (`code`, `month` in the URL)."""

    @cached_property
    def kvi(self):
        return kvi_or_404(self.kwargs["code"])

    @property
    def month(self) -> date:
        return self.kwargs["month"]

    @cached_property
    def update(self) -> KVIUpdate | None:
        return selectors.current_update(self.kvi, self.month)


class UpdateEditView(_KVIMonthFormView):
    """The monthly update form for KVI owners."""

    permission_required = "kvis.change_kviupdate"
    template_name = "kvis/update_form.html"
    form_class = UpdateForm
    submitted = False  # set by perform when "Save and submit" went through

    def get(self, request, *args, **kwargs):
        refusal = _edit_refusal(self.kvi, self.update, self.month)
        if refusal:
            messages.error(request, refusal)
            return redirect("kvis:update", code=self.kvi.code, month=self.month)
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        update = self.update
        if not update:
            return {}
        return {
            "version": update.version,
            "figures": update.figures,
            "last_update": update.last_update,
            "drivers": update.drivers,
            "next_update": update.next_update,
            "reported_rag": update.reported_rag if update.is_overridden else "",
            "override_justification": update.override_justification,
        }

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "measures": list(self.kvi.measures.all()),
            "results": selectors.results_by_measure(self.kvi, self.month),
        }

    def get_context_data(self, **kwargs):
        if "form" not in kwargs:
            kwargs["form"] = self.get_form()
        form = kwargs["form"]
        suggestion = (
            _preview(self.kvi, self.month, form)
            if form.is_bound
            else selectors.kvi_suggestion(self.kvi, self.month)[0]
        )
        return super().get_context_data(
            kvi=self.kvi,
            month=self.month,
            update=self.update,
            suggestion=suggestion,
            conflict=kwargs.pop("conflict_current", None),
            **kwargs,
        )

    def perform(self, form):
        data = form.cleaned_data
        saved = services.update_save(
            kvi=self.kvi,
            month=self.month,
            by=self.request.user,
            figures=data["figures"],
            last_update=data["last_update"],
            drivers=data["drivers"],
            next_update=data["next_update"],
            reported_rag=data["reported_rag"] or None,
            override_justification=data["override_justification"],
            results=form.result_inputs(),
            version=data["version"],
        )
        self.success_message = (
            f"Saved. Suggested RAG: {Rag(saved.suggested_rag).label}: "
            f"{saved.suggestion_explanation}"
        )
        if "submit" in self.request.POST:
            try:
                services.update_submit(update=saved, by=self.request.user)
            except services.ApplicationError as exc:
                messages.error(self.request, exc.message)
            else:
                self.success_message = (
                    f"{self.kvi.code} {self.month:%B %Y} saved and submitted for approval."
                )
                self.submitted = True
        return saved

    def success_url_for(self, obj) -> str:
        page = "kvis:update" if self.submitted else "kvis:update_edit"
        return reverse(page, args=[self.kvi.code, self.month])


def _edit_refusal(kvi, update: KVIUpdate | None, month: date) -> str | None:
    try:
        if update is None or not update.corrected_after_issue:
            services.ensure_month_open(month, kvi)
    except services.ApplicationError as exc:
        return exc.message
    if update and update.status != UpdateStatus.DRAFT:
        return services.NOT_EDITABLE.format(status=update.get_status_display().lower())
    return None


def _preview(kvi, month: date, form: UpdateForm):
    """The suggestion the form's figures would give, without saving anything."""
    results = selectors.results_by_measure(kvi, month)
    cleaned = getattr(form, "cleaned_data", {}) or {}
    for item in form.result_inputs() if cleaned else []:
        results[item.measure_id] = MeasureResult(
            measure_id=item.measure_id, month=month, actual=item.actual, met_on=item.met_on
        )
    return selectors.kvi_suggestion(kvi, month, results)[0]


class UpdatePreviewView(PermissionRequiredMixin, View):
    """htmx: the suggested RAG for the figures being typed, before saving."""

    permission_required = "kvis.change_kviupdate"

    def post(self, request, code, month):
        kvi = kvi_or_404(code)
        form = UpdateForm(
            request.POST,
            measures=list(kvi.measures.all()),
            results=selectors.results_by_measure(kvi, month),
        )
        form.is_valid()
        return render(request, "kvis/_suggestion.html", {"suggestion": _preview(kvi, month, form)})


class _UpdateActionView(_KVIMonthFormView):
    """A button on the KVI-month page: one service on its current update; refused → the page
    again with the reason, 409."""

    http_method_names = ["post"]
    template_name = "kvis/update_detail.html"

    def get_context_data(self, **kwargs):
        context = update_page_context(self.request.user, self.kvi, self.month)
        return super().get_context_data(**{**context, **kwargs})

    def form_invalid(self, form):
        return self.refuse(form, status=400)

    def current_update(self) -> KVIUpdate:
        if self.update is None:
            raise Http404("No update for that month.")
        return self.update


class _WorkflowView(_UpdateActionView):
    form_class = VersionForm
    action = ""
    done = ""

    def perform(self, form):
        update = getattr(services, self.action)(
            update=self.current_update(), by=self.request.user, version=form.cleaned_data["version"]
        )
        self.success_message = f"{self.kvi.code} {self.month:%B %Y} {self.done}."
        return update

    def success_url_for(self, obj) -> str:
        return self.request.POST.get("next") or reverse(
            "kvis:update", args=[self.kvi.code, self.month]
        )


class UpdateSubmitView(_WorkflowView):
    permission_required = "kvis.change_kviupdate"
    action, done = "update_submit", "submitted for approval"


class UpdateApproveView(_WorkflowView):
    permission_required = "kvis.approve_kviupdate"
    action, done = "update_approve", "approved"


class UpdateReturnView(_WorkflowView):
    permission_required = "kvis.change_kviupdate"
    form_class = ReturnForm
    action, done = "update_return_to_draft", "returned to draft"

    def perform(self, form):
        update = services.update_return_to_draft(
            update=self.current_update(),
            by=self.request.user,
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )
        self.success_message = f"{self.kvi.code} {self.month:%B %Y} {self.done}."
        return update


class UpdateCorrectView(_UpdateActionView):
    """An approver starts a correction after issue: a new draft revision."""

    permission_required = "kvis.approve_kviupdate"
    form_class = CorrectionForm
    success_message = "A correction after issue was started as a new revision."

    def get_context_data(self, **kwargs):
        return super().get_context_data(correction_form=kwargs.get("form"), **kwargs)

    def perform(self, form):
        return services.update_correct_after_issue(
            update=self.current_update(), by=self.request.user, reason=form.cleaned_data["reason"]
        )

    def success_url_for(self, obj) -> str:
        return reverse("kvis:update_edit", args=[self.kvi.code, self.month])
