import django_filters
from django import forms
from django.db.models import Q

from core.calendar import FIRST_YEAR, LAST_YEAR, localdate
from core.models import Committee
from kvis.models import ForwardPlanItem
from meetings.models import Meeting
from meetings.rules import PlanStatus


class BootstrapFilterSet(django_filters.FilterSet):
    """Filter forms styled for Bootstrap's small inline controls."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-select" if hasattr(field, "choices") else "form-control"
            field.widget.attrs.setdefault("class", f"{css} {css}-sm")


class ForwardPlanFilter(BootstrapFilterSet):
    committee = django_filters.ModelChoiceFilter(queryset=Committee.objects.all())
    status = django_filters.ChoiceFilter(
        label="Status", choices=[(s.value, s.label) for s in PlanStatus], method="filter_status"
    )
    decision_after = django_filters.DateFilter(
        field_name="decision_date",
        lookup_expr="gte",
        label="From",
        widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}),
    )
    decision_before = django_filters.DateFilter(
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


class YearFilter(django_filters.NumberFilter):
    """A calendar year of the portal's years (a whole number)."""

    field_class = forms.IntegerField


class MeetingFilter(BootstrapFilterSet):
    committee = django_filters.ModelChoiceFilter(queryset=Committee.objects.all())
    year = YearFilter(
        field_name="date",
        lookup_expr="year",
        label="Year",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
    )

    class Meta:
        model = Meeting
        fields = ["committee", "year"]
