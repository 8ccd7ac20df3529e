import django_tables2 as tables

from core.tables import FastBodyTable
from performance_plans.models import Plan


class PlanTable(FastBodyTable):
    party = tables.Column(accessor="party__name", verbose_name="Party")
    title = tables.LinkColumn("plans:detail", args=[tables.A("pk")])
    step = tables.Column(verbose_name="Step")
    latest_rag = tables.TemplateColumn(
        template_name="performance_plans/_rag_cell.html",
        verbose_name="RAG",
        attrs={"td": {"class": "rag-cell"}},
        order_by="latest_rag",
    )
    next_review_on = tables.DateColumn(format="d M Y", verbose_name="Next review")
    escalation_flagged_on = tables.DateColumn(format="d M Y", verbose_name="Escalation due since")
    mandated_on = tables.DateColumn(format="d M Y", verbose_name="Mandated")

    class Meta:
        model = Plan
        fields = (
            "party",
            "title",
            "step",
            "latest_rag",
            "next_review_on",
            "escalation_flagged_on",
            "mandated_on",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = "No plans you may see."

    def value_latest_rag(self, value):
        return value or "not_reported"
