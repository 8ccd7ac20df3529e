"""Filters every app's lists share: a month as YYYY-MM through the calendar's one parser."""

import django_filters
from django import forms
from django.core import validators
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


#: A month, or empty for every month (as a page's filter form sends an unset month).
MONTH_OR_EMPTY = "^(" + calendar.MONTH_PATTERN.removeprefix("^").removesuffix("$") + ")?$"


@extend_schema_field({"type": "string", "pattern": MONTH_OR_EMPTY, "example": "2020-11"})
class MonthFilter(django_filters.Filter):
    """A list filter on a calendar month, YYYY-MM."""

    field_class = MonthFormField


class BootstrapFilterSet(django_filters.FilterSet):
    """Filter forms styled for Bootstrap's small inline controls."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-select" if hasattr(field, "choices") else "form-control"
            field.widget.attrs.setdefault("class", f"{css} {css}-sm")


class DayFormField(forms.DateField):
    """An ISO date (YYYY-MM-DD) in the portal's years; empty for no filter."""

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        super().__init__(**kwargs)

    def to_python(self, value):
        day = super().to_python(value)
        if day and not calendar.FIRST_YEAR <= day.year <= calendar.LAST_YEAR:
            raise forms.ValidationError(calendar.OUT_OF_RANGE, code="out_of_range")
        return day


#: A date in the portal's years, or empty for no filter (as a page's filter form sends it).
DAY_OR_EMPTY = {
    "anyOf": [
        {"type": "string", "format": "date", "pattern": calendar.YEAR_PATTERN},
        {"type": "string", "enum": [""]},
    ],
    "example": "2020-11-30",
}


@extend_schema_field(DAY_OR_EMPTY)
class DayFilter(django_filters.DateFilter):
    """A list filter on a date (with `lookup_expr`: from, to), YYYY-MM-DD."""

    field_class = DayFormField


@extend_schema_field(
    {"type": "integer", "minimum": calendar.FIRST_YEAR, "maximum": calendar.LAST_YEAR}
)
class YearFilter(django_filters.NumberFilter):
    """A calendar year of the portal's years (a whole number)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", calendar.FIRST_YEAR)
        kwargs.setdefault("max_value", calendar.LAST_YEAR)
        super().__init__(*args, **kwargs)


class OpenChoiceField(django_filters.fields.ChoiceField):
    """A choice among names the data holds; a name that is none of them is kept as it is (but
    never one with a NUL, which no name holds and the schema excludes)."""

    default_validators = [validators.ProhibitNullCharactersValidator()]

    def valid_value(self, value):
        return True


class DataChoiceFilter(django_filters.ChoiceFilter):
    """A list filter on a name whose choices come from the data (e.g. the matrices' bands): a
    name that is none of them matches nothing, as a reference to a missing record does; the
    schema can say it is a name but not which names exist."""

    field_class = OpenChoiceField


class UnknownKey(str):
    """A well-formed key that names no record (as a reference filter holds it)."""


class ReferenceFormField(forms.ModelChoiceField):
    """A record by its key; a well-formed key of no record is an UnknownKey, not an error (a
    malformed one still is)."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            meta = self.queryset.model._meta
            key = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
            try:
                return UnknownKey(key.to_python(value))
            except Exception:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice"
                ) from None


class ReferenceFilter(django_filters.ModelChoiceFilter):
    """A list filter on a related record: a key of no record (or of one the caller may not
    see) matches nothing, as a record with no issues would, rather than refusing the list;
    the schema can say the key's type but not which keys exist."""

    field_class = ReferenceFormField

    def filter(self, qs, value):
        if isinstance(value, UnknownKey):
            key = self.extra.get("to_field_name") or "pk"
            return qs.filter(**{f"{self.field_name}__{key}": str(value)}).distinct()
        return super().filter(qs, value)


class FlagWidget(forms.CheckboxInput):
    """A checkbox that hands its field the value as sent (CheckboxInput reads any text as
    ticked)."""

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class FlagFormField(forms.Field):
    """A yes/no filter: true (or a ticked box's "on") or false; anything else is refused, not
    read as "yes" (a checkbox's widget would take "null" as ticked)."""

    widget = FlagWidget
    TRUE, FALSE = {"true", "on", "1"}, {"false", "0", ""}

    def to_python(self, value):
        text = str(value).lower() if value not in (None, False, True) else value
        if text in (True, *self.TRUE):
            return True
        if text in (None, False, *self.FALSE):
            return None  # no filter
        raise forms.ValidationError("Give true or false.", code="invalid")


@extend_schema_field({"type": "boolean"})
class FlagFilter(django_filters.Filter):
    """A list filter that is on (true) or off."""

    field_class = FlagFormField
