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
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from itertools import islice

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
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


#: What a sheet's name may not hold (Excel's rule), and its longest.
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_MAX = 31


def xlsx_response(
    rows: Iterable[Sequence], *, filename: str, title: str = "Export"
) -> FileResponse:
    """An XLSX download of `rows` (header first), every text cell neutralised, built in
    constant memory: XlsxWriter's constant_memory mode writes each row to a temporary file as
    it comes (strings inline, no table of them all), and the finished file is streamed from
    disk. Text is never turned into a formula, a number or a link."""
    import xlsxwriter  # imported when a workbook is asked for

    workbook_file = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it, deleting it)
    workbook = xlsxwriter.Workbook(
        workbook_file,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "remove_timezone": True,
        },
    )
    name = _SHEET_NAME_FORBIDDEN.sub(" ", title)[:_SHEET_NAME_MAX].strip() or "Export"
    sheet = workbook.add_worksheet(name)
    write_string, write_number = sheet.write_string, sheet.write_number
    for r, row in enumerate(rows):
        for c, value in enumerate(neutralised(row)):
            if isinstance(value, str):
                if value:
                    write_string(r, c, value)
            elif value is None:
                continue
            elif isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif isinstance(value, int | float | Decimal):
                write_number(r, c, value)
            else:  # a date or a moment: as Excel shows one
                sheet.write(r, c, value, _date_format(workbook, value))
    workbook.close()
    workbook_file.seek(0)
    response = FileResponse(workbook_file, content_type=XLSX_TYPE)
    return _attachment(response, filename)


def _date_format(workbook, value):
    """The one cell format of a date (or a date and time) in a workbook, made once."""
    key = "_kvi_datetime" if isinstance(value, datetime) else "_kvi_date"
    if not hasattr(workbook, key):
        shown = "yyyy-mm-dd hh:mm:ss" if key == "_kvi_datetime" else "yyyy-mm-dd"
        setattr(workbook, key, workbook.add_format({"num_format": shown}))
    return getattr(workbook, key)


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
