import django_tables2 as tables
from django.utils.html import format_html

from core.tables import FastBodyTable
from kvis.models import ForwardPlanItem
from meetings import selectors
from meetings.models import Meeting


class ForwardPlanTable(FastBodyTable):
    decision_date = tables.DateColumn(format="d M Y", verbose_name="Proposed date of decision")
    committee = tables.Column(accessor="committee__code", verbose_name="Committee")
    status = tables.Column(empty_values=(), orderable=False)

    class Meta:
        model = ForwardPlanItem
        fields = ("decision_date", "item", "service_area", "champion", "committee", "status")
        attrs = {"class": "table table-sm table-striped align-middle"}

    def render_status(self, record):
        status = selectors.plan_item_status(record)
        return format_html('<span class="badge plan-{}">{}</span>', status.value, status.label)

    def value_status(self, record):
        return selectors.plan_item_status(record).label


class MeetingTable(FastBodyTable):
    date = tables.DateColumn(format="D d M Y", linkify=True)
    committee = tables.Column(accessor="committee__code", verbose_name="Committee")
    month_reviewed = tables.DateColumn(format="F Y", verbose_name="Reviews")
    submission_deadline = tables.DateColumn(format="D d M", verbose_name="Updates due")
    approval_deadline = tables.DateColumn(format="D d M", verbose_name="Approval by")
    pack_issue_date = tables.DateColumn(format="D d M", verbose_name="Pack issued")

    class Meta:
        model = Meeting
        fields = (
            "date",
            "committee",
            "month_reviewed",
            "submission_deadline",
            "approval_deadline",
            "pack_issue_date",
        )
        attrs = {"class": "table table-sm table-striped align-middle"}
