"""Register tables (django-tables2): what a row shows and how it exports."""

import django_tables2 as tables
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html
from django.utils.timezone import template_localtime

from core.tables import FastBodyTable
from issues import selectors
from issues.models import Breach, Communication, Issue

CLOCK_CSS = {
    "met": "rag rag-green",
    "open": "rag rag-not_reported",
    "missed": "rag rag-red",
    "overdue": "rag rag-red",
    "not_applicable": "rag rag-not_reported",
}
CLOCK_LETTER = {"met": "✓", "open": "…", "missed": "✗", "overdue": "!", "not_applicable": "–"}


def clock_badge(state) -> str:
    return format_html(
        '<span class="{}">{}</span> {}',
        CLOCK_CSS[state.state],
        CLOCK_LETTER[state.state],
        state.text,
    )


def short_names(organisations) -> str:
    return ", ".join(o.short_name or o.name for o in organisations.all())


class LocalDateTimeColumn(tables.DateTimeColumn):
    """DateTimeColumn's output (local time, short format) without compiling a template for
    every cell: three such columns made half the time of a 50-row register page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.date_format = "SHORT_DATETIME_FORMAT"

    def render(self, value, **kwargs):
        return date_filter(template_localtime(value), self.date_format)


class PublishedRegisterTable(FastBodyTable):
    """The published register: no internal notes, no owner."""

    reference = tables.Column(linkify=("issues:issue_detail", {"pk": tables.A("pk")}))
    identified_at = LocalDateTimeColumn()
    resolved_at = LocalDateTimeColumn()
    closed_at = LocalDateTimeColumn()
    score = tables.Column(default="Not scored")
    band = tables.Column(default="–")

    class Meta:
        model = Issue
        fields = [
            "reference",
            "title",
            "category",
            "score",
            "band",
            "status",
            "identified_at",
            "resolved_at",
            "closed_at",
        ]
        attrs = {"class": "table table-sm table-striped align-middle"}
        empty_text = "No issues match."


class IssueTable(PublishedRegisterTable):
    """The working list: the published columns plus who identified it, MPRNs and owner."""

    customers = tables.Column(
        accessor="affected_customers", verbose_name="Customers", orderable=False
    )

    class Meta(PublishedRegisterTable.Meta):
        fields = [*PublishedRegisterTable.Meta.fields, "identified_by", "mprns_affected", "owner"]
        sequence = ("reference", "title", "customers", "...")

    def render_customers(self, value):
        return short_names(value)

    def value_customers(self, value):
        return short_names(value)


class BreachTable(FastBodyTable):
    reference = tables.Column(linkify=("issues:breach_detail", {"pk": tables.A("pk")}))
    identified_at = LocalDateTimeColumn()
    notification = tables.Column(empty_values=(), orderable=False, verbose_name="Notification")
    resolution = tables.Column(empty_values=(), orderable=False, verbose_name="Resolution")

    class Meta:
        model = Breach
        fields = ["reference", "severity", "identified_at", "notification", "resolution", "owner"]
        attrs = {"class": "table table-sm table-striped align-middle"}
        empty_text = "No breaches match."

    def render_notification(self, record):
        return clock_badge(selectors.breach_clocks(record).notification)

    def render_resolution(self, record):
        return clock_badge(selectors.breach_clocks(record).resolution)

    def value_notification(self, record):
        return selectors.breach_clocks(record).notification.text

    def value_resolution(self, record):
        return selectors.breach_clocks(record).resolution.text


class CommunicationTable(FastBodyTable):
    reference = tables.Column(linkify=("issues:communication_detail", {"pk": tables.A("pk")}))
    recipients = tables.Column(orderable=False)

    class Meta:
        model = Communication
        fields = ["reference", "sent_at", "kind", "subject", "recipients", "quality_score"]
        attrs = {"class": "table table-sm table-striped align-middle"}
        empty_text = "No communications match."

    def render_recipients(self, value):
        return short_names(value)

    def value_recipients(self, value):
        return short_names(value)
