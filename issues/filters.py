"""Filters of the register lists: status, band, severity, customer, month, overdue."""

import django_filters
from django import forms

from core.filters import DataChoiceFilter, FlagFilter, MonthFilter, ReferenceFilter
from core.models import Organisation
from issues.models import Band, Breach, Communication, Issue, IssueStatus, Severity, month_bounds

MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


def _month_filter(field_name: str) -> MonthFilter:
    return MonthFilter(
        label="Month",
        method=_in_month(field_name),
        widget=MONTH,
        help_text="A calendar month, e.g. 2020-11.",
    )


def _in_month(field_name: str):
    def method(queryset, name, value):
        start, end = month_bounds(value.replace(day=1))
        return queryset.filter(**{f"{field_name}__gte": start, f"{field_name}__lt": end})

    return method


def _band_choices() -> list[tuple[str, str]]:
    """The current matrix's bands, then the names of older matrices' bands (the only names an
    issue can carry), without scanning the issues."""
    from issues.selectors import matrix_current

    names = [b.name for b in matrix_current().bands.all()]
    older = Band.objects.order_by().values_list("name", flat=True).distinct()
    names += sorted(set(older) - set(names))
    return [(n, n) for n in names]


def _customers():
    return Organisation.objects.order_by("name")


class IssueFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=IssueStatus.choices)
    band = DataChoiceFilter(choices=_band_choices)
    customer = ReferenceFilter(
        field_name="affected_customers", queryset=_customers(), label="Customer"
    )
    month = _month_filter("identified_at")
    overdue = FlagFilter(method="filter_overdue", label="Only with overdue actions")

    class Meta:
        model = Issue
        fields = ["status", "band", "category", "customer", "month", "overdue"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Which issues touch a customer is internal (the pages hide customers from the roles
        # without it): for those roles the customer filter is not offered and is ignored.
        user = getattr(self.request, "user", None)
        if user is not None and not user.has_perm("issues.view_internal_issue"):
            del self.filters["customer"]

    def filter_overdue(self, queryset, name, value):
        return queryset.with_overdue() if value else queryset


class BreachFilter(django_filters.FilterSet):
    severity = django_filters.ChoiceFilter(choices=Severity.choices)
    customer = ReferenceFilter(
        field_name="customers_impacted", queryset=_customers(), label="Customer"
    )
    month = _month_filter("identified_at")
    overdue = FlagFilter(method="filter_overdue", label="Only with a clock overdue")

    class Meta:
        model = Breach
        fields = ["severity", "customer", "month", "overdue"]

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset


class CommunicationFilter(django_filters.FilterSet):
    customer = ReferenceFilter(field_name="recipients", queryset=_customers(), label="Recipient")
    month = _month_filter("sent_at")

    class Meta:
        model = Communication
        fields = ["kind", "customer", "month"]
