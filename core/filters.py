"""Filters every app's lists share: a month as YYYY-MM through the calendar's one parser."""

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field

from core import calendar


class MonthFormField(forms.Field):
    """YYYY-MM in the portal's years → the first day of that month; the parser's message
    otherwise (never a date the database cannot hold, such as the month after 9999-12)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return calendar.parse_month(str(value))
        except calendar.BadMonth as error:
            raise forms.ValidationError(str(error), code="invalid") from None


@extend_schema_field({"type": "string", "pattern": r"^\d{4}-\d{2}$", "example": "2020-11"})
class MonthFilter(django_filters.Filter):
    """A list filter on a calendar month, YYYY-MM."""

    field_class = MonthFormField
