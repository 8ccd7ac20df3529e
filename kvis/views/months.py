"""Reporting months and their locks, the CSV import, and the committee packs."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View

from core.imports import BadFile, decode
from core.models import Committee
from core.views import ServiceFormView
from kvis import cycle, importers, packs, selectors, services
from kvis.forms import CsvImportForm, LockForm, PackRequestForm
from kvis.models import PackKind, PackStatus, ReportingCycle, ReportingPeriod
from kvis.views.base import PermissionsByMethod


class PeriodListView(PermissionsByMethod, ServiceFormView):
    """Reporting months and their locks; approvers lock a month here."""

    permission_required = "kvis.view_reportingperiod"
    permissions_by_method = {"POST": "kvis.change_reportingperiod"}
    template_name = "kvis/periods.html"
    form_class = LockForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            periods=ReportingPeriod.objects.select_related("locked_by"),
            cycles=ReportingCycle.objects.select_related("committee")[:36],
            can_lock=self.request.user.has_perm("kvis.change_reportingperiod"),
            **kwargs,
        )

    def form_invalid(self, form):
        return self.refuse(form, status=400)

    def perform(self, form):
        period = services.period_lock(
            month=form.cleaned_data["month"],
            by=self.request.user,
            reason=form.cleaned_data["reason"],
        )
        self.success_message = f"{period.month:%B %Y} is locked."
        return period

    def success_url_for(self, obj) -> str:
        return reverse("kvis:periods")


class ImportView(PermissionRequiredMixin, View):
    """CSV import with a dry run: every row's error listed; nothing imported unless all pass.
    Measure cards need the permission to add measures."""

    permission_required = "kvis.add_measureresult"
    template_name = "kvis/import.html"

    def get_permission_required(self):
        if self.request.method == "POST" and self.request.POST.get("kind") == "measures":
            return ("kvis.add_measure",)
        return super().get_permission_required()

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


#: The pack fields (and its successor's) the packs page never shows.
LIST_DEFERRED = (
    "snapshot",
    "inputs",
    "superseded_by__snapshot",
    "superseded_by__inputs",
)


class PackListView(PermissionsByMethod, ServiceFormView):
    """Packs per committee with download links and history; the build button for approvers."""

    permission_required = "kvis.view_pack"
    permissions_by_method = {"POST": "kvis.add_pack"}
    template_name = "kvis/packs.html"
    form_class = PackRequestForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "committees": Committee.objects.all()}

    def get_initial(self):
        latest = selectors.latest_reported_month()
        return {"month": latest.strftime("%Y-%m") if latest else ""}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            # Not the snapshots and inputs (megabytes each at seed_scale size): the list shows
            # none of them.
            packs=packs.packs_visible_to(self.request.user).defer(*LIST_DEFERRED)[:100],
            can_build=self.request.user.has_perm("kvis.add_pack"),
            can_issue=self.request.user.has_perm("kvis.approve_kviupdate"),
            cycles=ReportingCycle.objects.select_related("committee")[:24],
            **kwargs,
        )

    def form_invalid(self, form):
        return self.refuse(form, status=400)

    def perform(self, form):
        pack = packs.pack_request(
            committee=form.cleaned_data["committee"],
            month=form.cleaned_data["month"],
            by=self.request.user,
            force_reason=form.cleaned_data["force_reason"],
        )
        self.success_message = (
            f"{pack} requested: a preview watermarked DRAFT, e-mailed to nobody. "
            "Open it, then issue it from its row."
        )
        return pack

    def success_url_for(self, obj) -> str:
        return reverse("kvis:packs")


class PackIssueView(ServiceFormView):
    """The confirmation before an approver issues a ready draft: who is e-mailed, what locks."""

    permission_required = "kvis.approve_kviupdate"
    template_name = "kvis/pack_issue.html"
    form_class = forms.Form

    @cached_property
    def draft(self):
        # Looked up after the permission check: a user who may not issue is told so (403)
        # rather than whether the draft exists.
        return get_object_or_404(
            packs.packs_visible_to(self.request.user).filter(kind=PackKind.DRAFT),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            draft=self.draft, **cycle.issue_summary(self.draft), **kwargs
        )

    def perform(self, form):
        before = cycle.latest_issued(self.draft.committee, self.draft.month)
        issued = cycle.pack_issue(draft=self.draft, by=self.request.user)
        self.success_message = (
            f"Nothing changed since {issued}: no new version was made, nobody is e-mailed again."
            if issued == before
            else f"{issued} issued: it is e-mailed to the members once built."
        )
        return issued

    def success_url_for(self, obj) -> str:
        return reverse("kvis:packs")


class PackStatusView(PermissionRequiredMixin, View):
    """htmx: a pack's status row, polled until it is ready or failed."""

    permission_required = "kvis.view_pack"

    def get(self, request, pk):
        pack = get_object_or_404(packs.packs_visible_to(request.user), pk=pk)
        return render(request, "kvis/_pack_row.html", {"p": pack})


class PackDownloadView(PermissionRequiredMixin, View):
    """The pack's PDF, for those who may read it, once it is ready."""

    permission_required = "kvis.view_pack"

    def get(self, request, pk):
        pack = get_object_or_404(packs.packs_visible_to(request.user), pk=pk)
        if pack.status != PackStatus.READY or not pack.file:
            raise Http404("This pack has no file yet.")
        return FileResponse(
            pack.file.open("rb"),
            as_attachment=False,
            filename=pack.file_name,
            content_type="application/pdf",
        )
