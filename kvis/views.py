"""KVI pages. Each view parses input, calls a selector or a service, and renders."""

from __future__ import annotations

from datetime import date
from functools import partial

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin, SingleTableView

from core.calendar import localdate, months_ending
from core.exports import TableExportMixin
from core.imports import BadFile, decode
from core.models import Committee
from kvis import importers, selectors, services
from kvis.filters import KVIFilter, UpdateFilter
from kvis.forms import (
    CorrectionForm,
    CsvImportForm,
    DashboardFilterForm,
    LockForm,
    UpdateForm,
    VersionForm,
    kvi_years,
)
from kvis.models import KVI, KVIUpdate, MeasureResult, UpdateStatus
from kvis.rules import Rag
from kvis.tables import KVITable, UpdateTable


class DashboardView(PermissionRequiredMixin, TemplateView):
    """KVIs × twelve months, one coloured, lettered cell per month."""

    permission_required = "kvis.view_kvi"
    template_name = "kvis/dashboard.html"

    def get_context_data(self, **kwargs):
        committees = Committee.objects.all()
        form = DashboardFilterForm(
            self.request.GET or None,
            committees=committees,
            years=kvi_years(list(KVI.objects.only("active_from")), timezone.localdate()),
        )
        committee = kvi_year = None
        if form.is_valid():
            committee, kvi_year = form.cleaned_data["committee"], form.cleaned_data["kvi_year"]
        months = selectors.dashboard_months(kvi_year=kvi_year, end=None)
        return super().get_context_data(
            form=form,
            months=months,
            # Called by the template only when the cached grid is missing or stale.
            rows=partial(selectors.dashboard, months=months, committee=committee),
            grid_key=selectors.dashboard_key(months=months, committee=committee),
            locked=selectors.locked_months(months),
            **kwargs,
        )


class KVIListView(PermissionRequiredMixin, TableExportMixin, SingleTableMixin, FilterView):
    permission_required = "kvis.view_kvi"
    table_class = KVITable
    filterset_class = KVIFilter
    template_name = "kvis/kvi_list.html"
    export_name = "kvis"

    def get_queryset(self):
        return selectors.kvis_for_listing()


class UpdateListView(PermissionRequiredMixin, TableExportMixin, SingleTableMixin, FilterView):
    permission_required = "kvis.view_kviupdate"
    table_class = UpdateTable
    filterset_class = UpdateFilter
    template_name = "kvis/update_list.html"
    export_name = "kvi-updates"

    def get_queryset(self):
        return KVIUpdate.objects.current().select_related("kvi", "submitted_by", "approved_by")


class KVIDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = "kvis.view_kvi"
    template_name = "kvis/kvi_detail.html"

    def get_context_data(self, code, **kwargs):
        try:
            kvi = selectors.kvi_detail(code)
        except KVI.DoesNotExist:
            raise Http404("No KVI with that code.") from None
        updates = list(selectors.kvi_updates(kvi))
        end = updates[0].month if updates else selectors.latest_reported_month() or localdate()
        months = months_ending(end.replace(day=1), 12)
        charts = [
            {"id": f"trend-{m.id}", "measure": m, "data": selectors.measure_trend(m, months)}
            for m in kvi.measures.all()
            if m.target_value is not None
        ]
        last_saved = max((u.updated_at for u in updates), default=None)
        return super().get_context_data(
            kvi=kvi,
            updates=updates,
            # The rendered updates table is cached until an update of this KVI is saved.
            updates_key=f"{kvi.code}:{len(updates)}:{last_saved}",
            charts=charts,
            charts_data={c["id"]: c["data"] for c in charts},
            **kwargs,
        )


def _kvi(code: str) -> KVI:
    return get_object_or_404(KVI.objects.prefetch_related("measures"), code=code)


class UpdateDetailView(PermissionRequiredMixin, TemplateView):
    """One KVI-month: its current revision with workflow buttons, earlier revisions, history."""

    permission_required = "kvis.view_kviupdate"
    template_name = "kvis/update_detail.html"

    def get_context_data(self, code, month, **kwargs):
        kvi = _kvi(code)
        revisions = list(
            kvi.updates.filter(month=month).select_related("submitted_by", "approved_by")
        )
        update = next((u for u in revisions if u.is_current), None)
        period = selectors.period_for(month)
        user = self.request.user
        results = selectors.results_by_measure(kvi, month)
        return super().get_context_data(
            kvi=kvi,
            month=month,
            update=update,
            revisions=[u for u in revisions if not u.is_current],
            period=period,
            measures=[(m, results.get(m.id)) for m in kvi.measures.all()],
            history=update.history.select_related("history_user")[:20] if update else [],
            can_edit=user.has_perm("kvis.change_kviupdate"),
            can_approve=user.has_perm("kvis.approve_kviupdate"),
            locked=bool(period and period.is_locked),
            correction_form=CorrectionForm(),
            **kwargs,
        )


class UpdateEditView(PermissionRequiredMixin, View):
    """The monthly update form for KVI owners."""

    permission_required = "kvis.change_kviupdate"
    template_name = "kvis/update_form.html"

    def _context(self, kvi, month, form, update, suggestion=None, conflict=None):
        if suggestion is None:
            suggestion = selectors.kvi_suggestion(kvi, month)[0]
        return {
            "kvi": kvi,
            "month": month,
            "form": form,
            "update": update,
            "suggestion": suggestion,
            "conflict": conflict,
        }

    def _form(self, kvi, month, update, data=None):
        initial = {}
        if update:
            initial = {
                "version": update.version,
                "figures": update.figures,
                "last_update": update.last_update,
                "drivers": update.drivers,
                "next_update": update.next_update,
                "reported_rag": update.reported_rag if update.is_overridden else "",
                "override_justification": update.override_justification,
            }
        return UpdateForm(
            data,
            initial=initial,
            measures=list(kvi.measures.all()),
            results=selectors.results_by_measure(kvi, month),
        )

    def get(self, request, code, month):
        kvi = _kvi(code)
        update = selectors.current_update(kvi, month)
        refusal = _edit_refusal(update, month)
        if refusal:
            messages.error(request, refusal)
            return redirect("kvis:update", code=code, month=month)
        form = self._form(kvi, month, update)
        return render(request, self.template_name, self._context(kvi, month, form, update))

    def post(self, request, code, month):
        kvi = _kvi(code)
        update = selectors.current_update(kvi, month)
        form = self._form(kvi, month, update, request.POST)
        if not form.is_valid():
            return render(request, self.template_name, self._context(kvi, month, form, update))
        data = form.cleaned_data
        try:
            saved = services.update_save(
                kvi=kvi,
                month=month,
                by=request.user,
                figures=data["figures"],
                last_update=data["last_update"],
                drivers=data["drivers"],
                next_update=data["next_update"],
                reported_rag=data["reported_rag"] or None,
                override_justification=data["override_justification"],
                results=form.result_inputs(),
                expected_version=data["version"] if update else None,
            )
        except services.ApplicationError as exc:
            form.add_error(
                "override_justification"
                if exc.message == services.OVERRIDE_NEEDS_JUSTIFICATION
                else None,
                exc.message,
            )
            suggestion = _preview(kvi, month, form)
            return render(
                request,
                self.template_name,
                self._context(kvi, month, form, update, suggestion, conflict=exc.current),
                status=409 if exc.current else 400,
            )
        if "submit" in request.POST:
            try:
                services.update_submit(update=saved, by=request.user)
            except services.ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request, f"{kvi.code} {month:%B %Y} saved and submitted for approval."
                )
                return redirect("kvis:update", code=code, month=month)
        messages.success(
            request,
            f"Saved. Suggested RAG: {Rag(saved.suggested_rag).label}: "
            f"{saved.suggestion_explanation}",
        )
        return redirect("kvis:update_edit", code=code, month=month)


def _edit_refusal(update: KVIUpdate | None, month: date) -> str | None:
    try:
        if update is None or not update.corrected_after_issue:
            services.ensure_month_open(month)
    except services.ApplicationError as exc:
        return exc.message
    if update and update.status != UpdateStatus.DRAFT:
        return services.NOT_EDITABLE.format(status=update.get_status_display().lower())
    return None


def _preview(kvi: KVI, month: date, form: UpdateForm):
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
        kvi = _kvi(code)
        form = UpdateForm(
            request.POST,
            measures=list(kvi.measures.all()),
            results=selectors.results_by_measure(kvi, month),
        )
        form.is_valid()
        return render(request, "kvis/_suggestion.html", {"suggestion": _preview(kvi, month, form)})


class _WorkflowView(PermissionRequiredMixin, View):
    action = ""
    done = ""

    def post(self, request, code, month):
        kvi = _kvi(code)
        update = selectors.current_update(kvi, month)
        if update is None:
            raise Http404("No update for that month.")
        form = VersionForm(request.POST)
        version = form.cleaned_data["version"] if form.is_valid() else None
        try:
            getattr(services, self.action)(update=update, by=request.user, expected_version=version)
        except services.ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{kvi.code} {month:%B %Y} {self.done}.")
        return redirect(request.POST.get("next") or reverse("kvis:update", args=[code, month]))


class UpdateSubmitView(_WorkflowView):
    permission_required = "kvis.change_kviupdate"
    action, done = "update_submit", "submitted for approval"


class UpdateApproveView(_WorkflowView):
    permission_required = "kvis.approve_kviupdate"
    action, done = "update_approve", "approved"


class UpdateReturnView(_WorkflowView):
    permission_required = "kvis.change_kviupdate"
    action, done = "update_return_to_draft", "returned to draft"


class UpdateCorrectView(PermissionRequiredMixin, View):
    permission_required = "kvis.approve_kviupdate"

    def post(self, request, code, month):
        kvi = _kvi(code)
        update = selectors.current_update(kvi, month)
        form = CorrectionForm(request.POST)
        if update is None:
            raise Http404("No update for that month.")
        if not form.is_valid():
            messages.error(request, services.CORRECTION_NEEDS_REASON)
            return redirect("kvis:update", code=code, month=month)
        try:
            services.update_correct_after_issue(
                update=update, by=request.user, reason=form.cleaned_data["reason"]
            )
        except services.ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("kvis:update", code=code, month=month)
        messages.success(request, "A correction after issue was started as a new revision.")
        return redirect("kvis:update_edit", code=code, month=month)


class ApprovalQueueView(PermissionRequiredMixin, SingleTableView):
    permission_required = "kvis.approve_kviupdate"
    table_class = UpdateTable
    template_name = "kvis/approval_queue.html"

    def get_queryset(self):
        return selectors.approval_queue()


class PeriodListView(PermissionRequiredMixin, View):
    """Reporting months and their locks."""

    permission_required = "kvis.view_reportingperiod"
    template_name = "kvis/periods.html"

    def get(self, request, form=None):
        from kvis.models import ReportingPeriod

        return render(
            request,
            self.template_name,
            {
                "periods": ReportingPeriod.objects.select_related("locked_by"),
                "form": form or LockForm(),
                "can_lock": request.user.has_perm("kvis.change_reportingperiod"),
            },
        )

    def post(self, request):
        if not request.user.has_perm("kvis.change_reportingperiod"):
            return HttpResponse("You may not lock months.", status=403)
        form = LockForm(request.POST)
        if not form.is_valid():
            return self.get(request, form)
        try:
            services.period_lock(
                month=form.cleaned_data["month"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{form.cleaned_data['month']:%B %Y} is locked.")
        return redirect("kvis:periods")


class ImportView(PermissionRequiredMixin, View):
    """CSV import with a dry run: every row's error listed; nothing imported unless all pass."""

    permission_required = "kvis.add_measureresult"
    template_name = "kvis/import.html"

    def get(self, request):
        return render(request, self.template_name, {"form": CsvImportForm()})

    def post(self, request):
        if "confirm" in request.POST:
            text = request.POST.get("csv_text", "")
            kind = request.POST.get("kind", "results")
            dry_run = False
        else:
            form = CsvImportForm(request.POST, request.FILES)
            if not form.is_valid():
                return render(request, self.template_name, {"form": form}, status=400)
            try:
                text = decode(form.cleaned_data["file"].read())
            except BadFile as bad:
                form.add_error("file", str(bad))
                return render(request, self.template_name, {"form": form}, status=400)
            kind = form.cleaned_data["kind"]
            dry_run = True
        if kind == "measures" and not request.user.has_perm("kvis.add_measure"):
            return HttpResponse("You may not import measures.", status=403)
        run = importers.measures_import if kind == "measures" else importers.results_import
        report = run(text=text, dry_run=dry_run, by=request.user)
        if not dry_run and report.ok:
            messages.success(request, f"Imported {report.imported} {report.kind}.")
            return redirect("kvis:import")
        return render(
            request,
            self.template_name,
            {
                "form": CsvImportForm(initial={"kind": kind}),
                "report": report,
                "csv_text": text,
                "kind": kind,
                "dry_run": dry_run,
            },
            status=200 if report.ok else 400,
        )


class PackListView(PermissionRequiredMixin, View):
    """Packs per committee with download links and history; the build button for approvers."""

    permission_required = "kvis.view_pack"
    template_name = "kvis/packs.html"

    def _render(self, request, form, status=200):
        from kvis import packs

        visible = packs.packs_visible_to(request.user)
        return render(
            request,
            self.template_name,
            {
                "packs": visible[:100],
                "form": form,
                "can_build": request.user.has_perm("kvis.add_pack"),
            },
            status=status,
        )

    def _form(self, data=None):
        from kvis.forms import PackRequestForm

        latest = selectors.latest_reported_month()
        return PackRequestForm(
            data,
            committees=Committee.objects.all(),
            initial={"month": latest.strftime("%Y-%m") if latest else ""},
        )

    def get(self, request):
        return self._render(request, self._form())

    def post(self, request):
        from kvis import packs

        if not request.user.has_perm("kvis.add_pack"):
            return HttpResponse("You may not build packs.", status=403)
        form = self._form(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            pack = packs.pack_request(
                committee=form.cleaned_data["committee"],
                month=form.cleaned_data["month"],
                by=request.user,
                force_reason=form.cleaned_data["force_reason"],
            )
        except services.ApplicationError as exc:
            form.add_error(None, exc.message)
            return self._render(request, form, status=409)
        messages.success(request, f"{pack} requested.")
        return redirect("kvis:packs")


class PackStatusView(PermissionRequiredMixin, View):
    """htmx: a pack's status row, polled until it is ready or failed."""

    permission_required = "kvis.view_pack"

    def get(self, request, pk):
        from kvis import packs

        pack = get_object_or_404(packs.packs_visible_to(request.user), pk=pk)
        return render(request, "kvis/_pack_row.html", {"p": pack})


class PackDownloadView(PermissionRequiredMixin, View):
    permission_required = "kvis.view_pack"

    def get(self, request, pk):
        from django.http import FileResponse

        from kvis import packs
        from kvis.models import PackStatus

        pack = get_object_or_404(packs.packs_visible_to(request.user), pk=pk)
        if pack.status != PackStatus.READY or not pack.file:
            raise Http404("This pack has no file yet.")
        name = f"{pack.committee.code}-{pack.month:%Y-%m}-v{pack.version}.pdf"
        return FileResponse(
            pack.file.open("rb"), as_attachment=False, filename=name, content_type="application/pdf"
        )
