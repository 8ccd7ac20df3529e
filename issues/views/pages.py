"""Pages of the registers that read: overview, matrix, lists and details."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.generic import TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.paginators import LazyPaginator

from core.calendar import BadMonth, add_months, localdate, parse_month
from core.exports import TableExportMixin
from issues import pack, rules, selectors
from issues.filters import BreachFilter, CommunicationFilter, IssueFilter
from issues.models import (
    Breach,
    Communication,
    Issue,
)
from issues.tables import (
    BreachTable,
    CommunicationTable,
    IssueTable,
    PublishedRegisterTable,
    clock_badge,
)

# --- Overview and matrix --------------------------------------------------------------------


def _month_from(request) -> tuple[date, str]:
    """The month asked for as ?month=YYYY-MM, else the latest month the registers report on;
    with what was wrong with a malformed month (the latest month is shown instead)."""
    asked = request.GET.get("month", "").strip()
    if asked:
        try:
            return parse_month(asked), ""
        except BadMonth as bad:
            return selectors.latest_register_month(localdate()), f"“{asked}”: {bad}"
    return selectors.latest_register_month(localdate()), ""


#: The overview's sections: the pack section templates under templates/issues/pack/.
SECTION_TEMPLATES = {
    "issues": "register_summary",
    "breaches": "breaches",
    "communications": "communications",
}


class OverviewView(PermissionRequiredMixin, TemplateView):
    """The landing page: the month's issue, breach and communication figures."""

    permission_required = "issues.view_issue"
    template_name = "issues/index.html"

    def get_context_data(self, **kwargs):
        month, month_error = _month_from(self.request)
        # The registers' sections as the committee's pack prints them for the month (its
        # lists as well as its figures), each computed once.
        contexts = {
            "issues": pack.issue_register_context(None, month),
            "breaches": pack.breaches_context(None, month),
            "communications": pack.communications_context(None, month),
        }
        figures = {key: context["figures"] for key, context in contexts.items()}
        sections = {
            # Without the request: the sections need none of the context processors (each
            # would run its queries again for every section).
            key: render_to_string(
                f"issues/pack/{SECTION_TEMPLATES[key]}.html", {**context, "on_page": True}
            )
            for key, context in contexts.items()
        }
        return super().get_context_data(
            month=month,
            month_error=month_error,
            previous_month=add_months(month, -1),
            next_month=add_months(month, 1),
            issue_figures=figures["issues"],
            sections=sections,
            # The same figures compared with those as issued: computed once, not twice.
            as_issued=selectors.register_month(month, figures),
            **kwargs,
        )


class MatrixView(PermissionRequiredMixin, TemplateView):
    """The 3×3 grid with scores, bands and the actions each band requires."""

    permission_required = "issues.view_scoringmatrix"
    template_name = "issues/matrix.html"

    def get_context_data(self, **kwargs):
        matrix = selectors.matrix_current()
        bands = matrix.band_rules()
        helps = {
            "impact": [matrix.impact_low_help, matrix.impact_medium_help, matrix.impact_high_help],
            "financial": [
                matrix.financial_low_help,
                matrix.financial_medium_help,
                matrix.financial_high_help,
            ],
        }
        rows = []
        for financial in (3, 2, 1):
            cells = []
            for impact in (1, 2, 3):
                score = rules.issue_score(impact, financial)
                cells.append({"score": score, "band": rules.band_for(score, bands).name})
            rows.append(
                {
                    "label": rules.LEVELS[financial],
                    "value": financial,
                    "help": helps["financial"][financial - 1],
                    "cells": cells,
                }
            )
        columns = [
            {"label": rules.LEVELS[i], "value": i, "help": helps["impact"][i - 1]}
            for i in (1, 2, 3)
        ]
        return super().get_context_data(
            matrix=matrix, rows=rows, columns=columns, bands=bands, **kwargs
        )


# --- Lists ----------------------------------------------------------------------------------


class RegisterListView(PermissionRequiredMixin, TableExportMixin, SingleTableMixin, FilterView):
    template_name = "issues/list.html"
    # Pages of 50 without a COUNT of the register (100k rows: a sequential scan): the
    # paginator reads one row past the page to know whether another page follows. Only the
    # table paginates (ListView's own paginate_by would COUNT as well).
    table_pagination = {"per_page": 50, "paginator_class": LazyPaginator}
    stream_export = True
    heading = ""
    create_url = ""
    create_permission = ""

    def get_context_data(self, **kwargs):
        can_create = self.create_permission and self.request.user.has_perm(self.create_permission)
        return super().get_context_data(
            heading=self.heading,
            create_url=reverse(self.create_url) if can_create else "",
            table_cache_key=self.table_cache_key(),
            **kwargs,
        )

    def table_cache_key(self) -> str | None:
        """A key under which the rendered table may be cached; None: render every time."""
        return None


class IssueTableCacheMixin:
    """Issue tables show nothing that changes with the clock: the rendered table is cached per
    view and query string until the next write to any issue."""

    def table_cache_key(self) -> str:
        path = self.request.get_full_path()
        return f"{type(self).__name__}:{selectors.issue_list_stamp()}:{path}"

    def export_rows(self):
        """The table's header, then its rows straight from values_list (the table's own
        export builds every issue and every cell: 1.5 ms a row)."""
        table_class, kwargs = self.get_table_class(), self.get_table_kwargs()
        table = self.get_table(**kwargs)
        header = next(table_class([], **kwargs).as_values(self.exclude_columns))
        excluded = self.exclude_columns or ()
        columns = [  # as the table's own export chooses them
            c.name
            for c in table.columns.iterall()
            if not (c.column.exclude_from_export or c.name in excluded)
        ]
        yield header
        yield from selectors.issue_export_rows(table.data.data, columns)  # filtered, ordered


class PublishedRegisterView(IssueTableCacheMixin, RegisterListView):
    """The published issue register: what committee members and customers see."""

    permission_required = "issues.view_issue"
    table_class = PublishedRegisterTable
    filterset_class = IssueFilter
    heading = "Published issue register"
    export_name = "issue-register"

    def get_queryset(self):
        return selectors.issue_list()


class IssueListView(IssueTableCacheMixin, RegisterListView):
    """The working list of issues, with customers, MPRNs and owners."""

    permission_required = "issues.view_internal_issue"
    table_class = IssueTable
    filterset_class = IssueFilter
    heading = "Issues"
    create_url = "issues:issue_create"
    create_permission = "issues.add_issue"
    export_name = "issues"

    def get_queryset(self):
        return selectors.issue_list()


class BreachListView(RegisterListView):
    permission_required = "issues.view_breach"
    table_class = BreachTable
    filterset_class = BreachFilter
    heading = "Data breaches"
    create_url = "issues:breach_create"
    create_permission = "issues.add_breach"
    export_name = "breaches"

    def get_queryset(self):
        return selectors.breach_list()


class CommunicationListView(RegisterListView):
    permission_required = "issues.view_communication"
    table_class = CommunicationTable
    filterset_class = CommunicationFilter
    heading = "Customer communications"
    create_url = "issues:communication_create"
    create_permission = "issues.add_communication"
    export_name = "communications"

    def get_queryset(self):
        return selectors.communication_list()


# --- Details --------------------------------------------------------------------------------


def _get(selector, pk):
    try:
        return selector(pk)
    except (Issue.DoesNotExist, Breach.DoesNotExist, Communication.DoesNotExist) as error:
        raise Http404("No such record.") from error


def issue_page(request, pk: int, **extra) -> dict:
    """What the issue page shows: the issue, what is due next first, its required actions."""
    issue = _get(selectors.issue_detail, pk)
    user = request.user
    internal = user.has_perm("issues.view_internal_issue")
    now = timezone.now()
    actions = [(a, rules.clock_state(a.due_at, a.done_at, now)) for a in issue.actions.all()]
    return {
        "issue": issue,
        "internal": internal,
        "can_change": user.has_perm("issues.change_issue"),
        "can_rescore": user.has_perm("issues.rescore_issue"),
        "can_record": user.has_perm("issues.change_issueaction"),
        "actions": [{"action": a, "clock": clock_badge(state)} for a, state in actions],
        "due_next": [
            {"deadline": d, "clock": clock_badge(d.clock), "action": d.item}
            for d in rules.due_next(
                rules.Deadline(a.get_kind_display(), a.due_at, clock, item=a)
                for a, clock in actions
            )
        ],
        "history": selectors.history_rows(issue) if internal else [],
        **extra,
    }


class IssueDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = "issues.view_issue"
    template_name = "issues/issue_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**issue_page(self.request, self.kwargs["pk"]), **kwargs)


#: The one-click action that records each breach clock's deadline as met.
BREACH_CLOCK_ACTIONS = {
    "Notification": ("Record notification", "issues:breach_record_notification"),
    "Resolution": ("Record resolution", "issues:breach_record_resolution"),
}


def breach_page(request, pk: int, **extra) -> dict:
    """What the breach page shows: what is due next with its one-click action, then the clocks."""
    breach = _get(selectors.breach_detail, pk)
    clocks = selectors.breach_clocks(breach)
    deadlines = [
        rules.Deadline("Notification", breach.notification_due, clocks.notification),
        rules.Deadline("Resolution", breach.resolution_due, clocks.resolution),
    ]
    can_change = request.user.has_perm("issues.change_breach")
    return {
        "breach": breach,
        "notification": clock_badge(clocks.notification),
        "resolution": clock_badge(clocks.resolution),
        "due_next": [
            {
                "deadline": d,
                "clock": clock_badge(d.clock),
                "label": BREACH_CLOCK_ACTIONS[d.what][0],
                "url": reverse(BREACH_CLOCK_ACTIONS[d.what][1], args=[breach.pk])
                if can_change
                else "",
            }
            for d in rules.due_next(d for d in deadlines if d.due_at is not None)
        ],
        "can_change": can_change,
        "history": selectors.history_rows(breach),
        **extra,
    }


class BreachDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = "issues.view_breach"
    template_name = "issues/breach_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**breach_page(self.request, self.kwargs["pk"]), **kwargs)


class CommunicationDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = "issues.view_communication"
    template_name = "issues/communication_detail.html"

    def get_context_data(self, **kwargs):
        comm = _get(selectors.communication_detail, self.kwargs["pk"])
        return super().get_context_data(
            comm=comm,
            checklist=selectors.checklist_rows(comm),
            can_change=self.request.user.has_perm("issues.change_communication"),
            history=selectors.history_rows(comm),
            **kwargs,
        )
