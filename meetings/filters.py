import django_filters
from django.db.models import Q

from core.calendar import localdate
from core.filters import BootstrapFilterSet, DayFilter, ReferenceFilter, YearFilter
from core.models import Committee
from kvis.models import ForwardPlanItem
from meetings.models import Action, Meeting
from meetings.rules import PlanStatus


class ForwardPlanFilter(BootstrapFilterSet):
    committee = ReferenceFilter(queryset=Committee.objects.all(), label="Committee")
    status = django_filters.ChoiceFilter(
        label="Status", choices=[(s.value, s.label) for s in PlanStatus], method="filter_status"
    )
    decision_after = DayFilter(
        field_name="decision_date",
        lookup_expr="gte",
        label="From",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    decision_before = DayFilter(
        field_name="decision_date",
        lookup_expr="lte",
        label="To",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    item = django_filters.CharFilter(lookup_expr="icontains", label="Item contains")
    service_area = django_filters.CharFilter(lookup_expr="icontains", label="Service area")

    class Meta:
        model = ForwardPlanItem
        fields = ["committee", "status", "decision_after", "decision_before", "item"]

    def filter_status(self, queryset, name, value):
        """The derived status (rules.plan_status) as a query on the `decided` annotation."""
        today = localdate()
        return queryset.filter(
            {
                PlanStatus.DECIDED: Q(decided=True),
                PlanStatus.OVERDUE: Q(decided=False, decision_date__lt=today),
                PlanStatus.PLANNED: Q(decided=False, decision_date__gte=today),
            }[PlanStatus(value)]
        )


class MeetingFilter(BootstrapFilterSet):
    committee = ReferenceFilter(queryset=Committee.objects.all(), label="Committee")
    year = YearFilter(
        field_name="date",
        lookup_expr="year",
        label="Year",
    )

    class Meta:
        model = Meeting
        fields = ["committee", "year"]


class ActionFilter(django_filters.FilterSet):
    """The action log of one meeting (a meeting that does not exist has none)."""

    meeting = ReferenceFilter(queryset=Meeting.objects.all(), label="Meeting")

    class Meta:
        model = Action
        fields = ["meeting"]
