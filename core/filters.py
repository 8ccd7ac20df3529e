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


#: A month, or empty for every month (as a page's filter form sends an unset month).
MONTH_OR_EMPTY = "^(" + calendar.MONTH_PATTERN.removeprefix("^").removesuffix("$") + ")?$"


@extend_schema_field({"type": "string", "pattern": MONTH_OR_EMPTY, "example": "2020-11"})
class MonthFilter(django_filters.Filter):
    """A list filter on a calendar month, YYYY-MM."""

    field_class = MonthFormField


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
