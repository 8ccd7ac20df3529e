import django_filters

from core.filters import BootstrapFilterSet, ReferenceFilter
from core.models import Committee
from kvis.models import KVI, KVIUpdate, RagChoices, UpdateStatus


class KVIFilter(BootstrapFilterSet):
    committee = ReferenceFilter(
        field_name="committees", queryset=Committee.objects.all(), label="Committee"
    )
    title = django_filters.CharFilter(lookup_expr="icontains", label="Title contains")

    class Meta:
        model = KVI
        fields = ["committee", "title"]


class UpdateFilter(BootstrapFilterSet):
    month = django_filters.DateFilter(
        input_formats=["%Y-%m"], label="Month (YYYY-MM)", field_name="month"
    )
    status = django_filters.ChoiceFilter(choices=UpdateStatus.choices)
    reported_rag = django_filters.ChoiceFilter(choices=RagChoices.choices, label="Reported RAG")
    committee = ReferenceFilter(
        field_name="kvi__committees", queryset=Committee.objects.all(), label="Committee"
    )

    class Meta:
        model = KVIUpdate
        fields = ["month", "status", "reported_rag", "committee"]
