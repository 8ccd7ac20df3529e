import django_tables2 as tables
from django.utils.html import format_html

from core.tables import FastBodyTable
from kvis.models import KVI, KVIUpdate


def rag_badge(value: str, label: str) -> str:
    letter = {"green": "G", "amber": "A", "red": "R"}.get(value, "–")
    return format_html(
        '<span class="rag rag-{}" title="{}">{}</span> {}', value, label, letter, label
    )


class KVITable(FastBodyTable):
    code = tables.LinkColumn("kvis:detail", args=[tables.A("code")])
    committees = tables.ManyToManyColumn(verbose_name="Reports to", orderable=False)

    class Meta:
        model = KVI
        fields = ("code", "title", "owner", "committees", "active_from", "active_to")
        attrs = {"class": "table table-sm table-striped align-middle"}


class UpdateTable(FastBodyTable):
    kvi = tables.Column(accessor="kvi__code", verbose_name="KVI", order_by=("kvi__code",))
    title = tables.Column(accessor="kvi__title", verbose_name="Title", orderable=False)
    month = tables.DateColumn(format="M Y")
    suggested_rag = tables.Column(verbose_name="Suggested")
    reported_rag = tables.Column(verbose_name="Reported")
    status = tables.Column()
    view = tables.TemplateColumn(
        template_name="kvis/_open_update_link.html",
        verbose_name="",
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = KVIUpdate
        fields = (
            "kvi",
            "title",
            "month",
            "revision",
            "suggested_rag",
            "reported_rag",
            "status",
            "submitted_by",
            "approved_by",
            "approved_at",
        )
        attrs = {"class": "table table-sm table-striped align-middle"}

    def render_suggested_rag(self, record):
        return rag_badge(record.suggested_rag, record.get_suggested_rag_display())

    def render_reported_rag(self, record):
        return rag_badge(record.reported_rag, record.get_reported_rag_display())

    def value_suggested_rag(self, record):
        return record.get_suggested_rag_display()

    def value_reported_rag(self, record):
        return record.get_reported_rag_display()
