"""A django-tables2 table whose body is rendered in Python, column by column, instead of
through the template engine cell by cell.

django-tables2 renders each cell through `BoundRow`: an accessor resolved afresh, the render
method's signature inspected (`inspect.signature`) for every cell, the column's attributes
rebuilt, then a template loop over rows and cells. A 50-row, 13-column register page spent
about 300 ms there. `FastBodyTable` works out once per column what the cell needs (how to
read the value, whether it is a choice, which arguments the render method takes, the `<td>`
attributes) and then writes each row as a string: the same HTML as the bootstrap5 template
(same cells, same escaping and localisation, rows classed even/odd), the same sorting, headers,
pagination and exports, which stay django-tables2's own.

A table with per-record attributes (callable `attrs` or `row_attrs`) or a render method that
needs the bound row falls back to django-tables2's rendering.
"""

from __future__ import annotations

import inspect
import re

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template import Context, Template
from django.template.base import render_value_in_context
from django.template.defaultfilters import date as date_filter
from django.template.loader import get_template, render_to_string
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime
from django_tables2 import Column, Table
from django_tables2.columns import ManyToManyColumn, TemplateColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn
from django_tables2.utils import Accessor

#: The page's list template (`core/table.html`): django-tables2's bootstrap5 template with
#: this module's body.
TEMPLATE = "core/table.html"
_MISSING = object()
#: The template of django-tables2's DateColumn and DateTimeColumn.
_DATE_TEMPLATE = re.compile(r'\{\{ value\|date:"([^"]*)"\|default:default \}\}')
_ARGUMENTS = ("value", "record", "column", "bound_column", "table")


class _Fallback(Exception):
    """The table needs django-tables2's own per-cell rendering."""


def _accepted(function) -> tuple[set[str], bool]:
    parameters = inspect.signature(function).parameters.values()
    names = {p.name for p in parameters}
    return names, any(p.kind is p.VAR_KEYWORD for p in parameters)


class _Cell:
    """What one column needs to render a cell, worked out once for the page."""

    def __init__(self, table, bound_column):
        column = bound_column.column
        if isinstance(column, ManyToManyColumn):
            raise _Fallback
        declared = {**table.attrs, **column.attrs}
        if any(callable(v) for v in declared.get("td", declared.get("cell", {})).values()):
            raise _Fallback
        self.td = f" {bound_column.attrs['td'].as_html()}"
        self.bound_column = bound_column
        self.column = column
        self.table = table
        self.default = bound_column.default
        self.empty_values = column.empty_values
        self.path = Accessor(bound_column.accessor).bits
        self.display = self._choice_display(table)
        self.render = bound_column.render
        names, anything = _accepted(self.render)
        if "bound_row" in names:
            raise _Fallback
        self.takes = [n for n in _ARGUMENTS if anything or n in names]
        # Column.render returns the value as it is: no call needed.
        self.identity = getattr(self.render, "__func__", None) is Column.render
        # TemplateColumn.render compiles its template_code for every cell: compiled once here.
        self.template = None
        self.date_format = None
        if (
            getattr(self.render, "__func__", None) is TemplateColumn.render
            and (found := _DATE_TEMPLATE.fullmatch(column.template_code or ""))
            and not column.extra_context
        ):
            # DateColumn and DateTimeColumn: their template is `value|date:format`.
            self.date_format = found[1]
        elif getattr(self.render, "__func__", None) is TemplateColumn.render:
            if callable(column.extra_context):
                raise _Fallback
            if column.template_code:
                self.template = Template(column.template_code)
            else:
                self.template = get_template(column.template_name).template
        self.link = bound_column.link
        self.text_link = isinstance(column, BaseLinkColumn) and column.text is not None
        self.localize = column.localize

    def _choice_display(self, table) -> str | None:
        """`get_<field>_display` when the accessor ends at a model field with choices."""
        model = getattr(table._meta, "model", None)
        if model is None:
            return None
        try:
            for bit in self.path[:-1]:
                model = model._meta.get_field(bit).related_model
                if model is None:
                    return None
            field = model._meta.get_field(self.path[-1])
        except FieldDoesNotExist:
            return None
        return self.path[-1] if getattr(field, "choices", None) else None

    def value(self, record):
        target = record
        for bit in self.path[:-1]:
            target = getattr(target, bit, None)
            if target is None:
                return None
        if self.display and isinstance(target, models.Model):
            return getattr(target, f"get_{self.display}_display")()
        value = getattr(target, self.path[-1], _MISSING)
        if value is _MISSING:
            return value
        return value() if callable(value) and not isinstance(value, models.Manager) else value

    def _from_template(self, record, value, counter: int) -> str:
        column = self.column
        context = Context(
            {
                "default": self.default,
                "column": self.bound_column,
                column.context_object_name: record,
                "value": value,
                "row_counter": counter,
                "request": getattr(self.table, "request", None),
                **column.extra_context,
            },
            autoescape=True,
        )
        return self.template.render(context)

    def _rendered(self, record, value, counter: int = 0):
        """The cell's content as django-tables2's BoundRow renders it: the column's (or the
        table's render_<name>) render, or its template, then its link."""
        if self.date_format is not None:
            # `{{ value|date:format|default:default }}`, escaped as the template would.
            content = conditional_escape(
                date_filter(template_localtime(value), self.date_format) or self.default
            )
            if self.link:
                content = self.link(
                    content,
                    value=value,
                    record=record,
                    column=self.column,
                    bound_column=self.bound_column,
                    table=self.table,
                    bound_row=None,
                )
            return content
        arguments = {
            "value": value,
            "record": record,
            "column": self.column,
            "bound_column": self.bound_column,
            "table": self.table,
        }
        if self.template is not None:
            content = self._from_template(record, value, counter)
        else:
            content = self.render(**{n: arguments[n] for n in self.takes})
        if self.link:
            content = self.link(content, **arguments, bound_row=None)
        return content

    def html(self, record, context, counter: int = 0) -> str:
        value = self.value(record)
        if value is _MISSING:
            # As django-tables2 when the accessor finds nothing: a link column with a text of
            # its own renders without a value (an "Edit" link); any other goes on with None.
            if self.text_link:
                return self._escaped(self._rendered(record, None, counter), context)
            value = None
        if value in self.empty_values:
            content = self.default
        elif self.identity and not self.link:
            content = value
        else:
            content = self._rendered(record, value, counter)
        return self._escaped(content, context)

    def _escaped(self, content, context) -> str:
        if isinstance(content, str):  # as {{ cell }}: text is escaped unless marked safe
            return content if isinstance(content, SafeData) else escape(content)
        if type(content) is int and not settings.USE_THOUSAND_SEPARATOR:
            return str(content)  # what localize gives an int without thousand separators
        if self.localize is False:
            return conditional_escape(str(content))
        return render_value_in_context(content, context)


class FastBodyTable(Table):
    """A table whose `<tbody>` is written by `body_html()` (see the module's docstring)."""

    def __init__(self, *args, template_name=None, **kwargs):
        super().__init__(*args, template_name=template_name or TEMPLATE, **kwargs)

    def body_html(self) -> str:
        try:
            if self.row_attrs:
                raise _Fallback
            cells = [_Cell(self, bound_column) for bound_column in self.columns]
        except _Fallback:
            return self._tables2_body()
        # The paginator pages over BoundRows; only their records are read here.
        records = [row.record for row in (self.page.object_list if self.page else self.rows)]
        context = Context(autoescape=True)
        rows = []
        for n, record in enumerate(records):
            parity = "odd" if n % 2 else "even"
            row = "".join(f"<td{c.td}>{c.html(record, context, n)}</td>" for c in cells)
            rows.append(f'<tr class="{parity}">{row}</tr>')
        if not rows and self.empty_text:
            rows.append(
                format_html('<tr><td colspan="{}">{}</td></tr>', len(cells), self.empty_text)
            )
        return mark_safe("\n".join(rows))  # noqa: S308 (every cell is escaped above)

    def _tables2_body(self) -> str:
        return render_to_string("core/_table_rows.html", {"table": self})
