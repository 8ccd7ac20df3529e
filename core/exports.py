"""The one export path: rows out as a streamed CSV or an XLSX workbook, spreadsheet formulas
neutralised on the way (OWASP "CSV injection": a text cell that starts with `=`, `+`, `-`, `@`,
a tab or a carriage return gets a leading `'`, so a spreadsheet shows it as text and never
runs it). Numbers stay numbers.

Part of the kit in core: it imports no app. The API's `?format=csv` (core.api.CSVExportMixin)
and every list page's `?_export=` (`TableExportMixin` below) write through here.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from django.http import HttpResponse, StreamingHttpResponse
from django_tables2.export import ExportMixin, TableExport

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: A negative number written as text ("-2.5", e.g. a serialised decimal) is a number, not a
#: formula: it stays as it is.
_NEGATIVE_NUMBER = re.compile(r"-\d+(\.\d+)?")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """A cell a spreadsheet shows and never evaluates: formula-like text gets a leading `'`."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not _NEGATIVE_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def neutralised(row: Iterable) -> list:
    """Every cell of a row through `neutralise`."""
    return [neutralise(value) for value in row]


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Sequence]) -> Iterator[str]:
    """Each row (the header first) as one neutralised CSV line, produced as it is read."""
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow(neutralised(row))


#: Lines are sent in blocks of about this many characters: one write to the socket (and one
#: HTTP chunk) a block rather than a row; a write a row was a fifth of a 100k-row export.
CSV_BLOCK = 64 * 1024


def csv_blocks(rows: Iterable[Sequence], size: int = CSV_BLOCK) -> Iterator[str]:
    """`csv_lines` joined into blocks of about `size` characters, each sent as it fills."""
    block, length = [], 0
    for line in csv_lines(rows):
        block.append(line)
        length += len(line)
        if length >= size:
            yield "".join(block)
            block, length = [], 0
    if block:
        yield "".join(block)


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(rows: Iterable[Sequence], *, filename: str) -> StreamingHttpResponse:
    """A streamed CSV download of `rows` (header first; a values_list() works): memory stays
    flat however many rows there are."""
    response = StreamingHttpResponse(csv_blocks(rows), content_type="text/csv; charset=utf-8")
    return _attachment(response, filename)


def xlsx_response(
    rows: Iterable[Sequence], *, filename: str, title: str = "Export"
) -> HttpResponse:
    """An XLSX download of `rows` (header first), written row by row (openpyxl's write-only
    workbook), every text cell neutralised."""
    from openpyxl import Workbook  # imported when a workbook is asked for: it is not small

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Export")  # Excel's limit on a title
    for row in rows:
        sheet.append(neutralised(row))
    response = HttpResponse(content_type=XLSX_TYPE)
    workbook.save(response)
    return _attachment(response, filename)


# --- django-tables2 -------------------------------------------------------------------------


class NeutralisedTableExport(TableExport):
    """django-tables2's export (through tablib) with every cell neutralised."""

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        for index, row in enumerate(dataset):
            dataset[index] = neutralised(row)
        return dataset


class TableExportMixin(ExportMixin):
    """django-tables2's ExportMixin through the one export path, every format's cells
    neutralised. With `stream_export` (for lists that run to 100k rows) `?_export=csv`
    streams the filtered, ordered rows in chunks straight from the database and
    `?_export=xlsx` writes them row by row, so memory stays flat; otherwise, and for the
    other formats, the table goes through tablib."""

    export_class = NeutralisedTableExport
    stream_export = False
    csv_chunk_size = 500

    def create_export(self, export_format):
        filename = self.get_export_filename(export_format)
        if not self.stream_export:
            return super().create_export(export_format)
        if export_format == TableExport.CSV:
            return csv_response(self.export_rows(), filename=filename)
        if export_format == TableExport.XLSX:
            title = (self.get_dataset_kwargs() or {}).get("title") or self.export_title()
            return xlsx_response(self.export_rows(), filename=filename, title=title)
        return super().create_export(export_format)

    def export_title(self) -> str:
        """The sheet's title: the table's model in the plural, as django-tables2 names it."""
        model = getattr(getattr(self.get_table_class(), "_meta", None), "model", None)
        return model._meta.verbose_name_plural.title() if model else "Export Data"

    def export_rows(self) -> Iterator[list]:
        """The header, then the table's export values of every filtered, ordered row, read
        from the database a chunk at a time."""
        table_class, kwargs = self.get_table_class(), self.get_table_kwargs()
        data = self.get_table(**kwargs).data.data  # filtered and ordered
        if hasattr(data, "iterator"):
            rows = data.iterator(chunk_size=self.csv_chunk_size)
        else:
            rows = iter(data)
        with_header = True
        while True:
            chunk = list(islice(rows, self.csv_chunk_size))
            values = table_class(chunk, **kwargs).as_values(self.exclude_columns)
            header = next(values)
            if with_header:
                yield header
                with_header = False
            yield from values
            if len(chunk) < self.csv_chunk_size:
                return
