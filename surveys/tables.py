import django_tables2 as tables

from core.tables import FastBodyTable
from surveys.models import YouSaidWeDid


class FeedbackTable(FastBodyTable):
    raised_on = tables.DateColumn(verbose_name="Raised")
    organisation = tables.Column(verbose_name="Customer", default="All customers")
    source = tables.Column(accessor="get_source_display", verbose_name="From", order_by="source")
    round = tables.Column(verbose_name="Survey round", default="–")
    you_said = tables.Column(verbose_name="You said")
    we_did = tables.Column(verbose_name="We did")
    status = tables.Column(accessor="get_status_display", order_by="status")
    edit = tables.LinkColumn(
        "surveys:feedback_update",
        args=[tables.A("pk")],
        text="Edit",
        orderable=False,
        exclude_from_export=True,
        verbose_name="",
    )

    class Meta:
        model = YouSaidWeDid
        fields = [
            "raised_on",
            "organisation",
            "source",
            "round",
            "you_said",
            "we_did",
            "owner",
            "status",
            "outcome",
        ]
        sequence = [*fields, "edit"]
        attrs = {"class": "table table-sm table-striped align-top"}
