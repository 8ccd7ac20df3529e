"""The KVI reading pages: dashboard, catalogue, updates list, KVI detail, approval queue."""

from __future__ import annotations

from functools import partial

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin, SingleTableView

from core.calendar import localdate, months_ending
from core.exports import TableExportMixin
from core.models import Committee
from kvis import grid, selectors
from kvis.filters import KVIFilter, UpdateFilter
from kvis.forms import DashboardFilterForm, kvi_years
from kvis.models import KVI, KVIUpdate
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
            grid_body=partial(self.grid_body, months=months, committee=committee),
            grid_key=selectors.dashboard_key(months=months, committee=committee),
            locked=selectors.locked_months(months, committee),
            cycles=selectors.cycles_in(months, committee),
            **kwargs,
        )

    @staticmethod
    def grid_body(*, months, committee):
        return grid.grid_body(selectors.dashboard(months=months, committee=committee), months)


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


class ApprovalQueueView(PermissionRequiredMixin, SingleTableView):
    permission_required = "kvis.approve_kviupdate"
    table_class = UpdateTable
    template_name = "kvis/approval_queue.html"

    def get_queryset(self):
        return selectors.approval_queue()
