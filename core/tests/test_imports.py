"""The one import path (core.imports) and the one export path's neutralisation
(core.exports), piece by piece."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core import imports
from core.errors import ApplicationError
from core.exports import csv_lines, neutralise
from core.imports import Cells, ImportReport, RowError, import_all, read_rows


def _read(text, **kwargs):
    report = ImportReport()
    rows = read_rows(text, report, **kwargs)
    return rows, report


def test_rows_are_read_with_the_header_matched_ignoring_case():
    rows, report = _read("Title, KIND\nA,b\n\n,\nC,d,\n", required=["title", "kind"])
    assert report.ok is False  # the last row has one value too many
    assert rows == [(2, {"title": "A", "kind": "b"})]
    assert report.errors == [RowError(5, "", imports.EXTRA_FIELDS)]


def test_header_problems_are_row_one_errors_and_no_rows_are_read_without_a_column():
    rows, report = _read("a,a,zz\n1,2,3\n", required=["a", "b"])
    assert rows == []
    assert [(e.row, e.column) for e in report.errors] == [(1, "a"), (1, "zz"), (1, "b")]


def test_rows_are_still_read_beside_an_unknown_column():
    rows, report = _read("a,zz\n1,2\n", required=["a"])
    assert rows == [(2, {"a": "1", "zz": "2"})]
    assert [(e.row, e.column) for e in report.errors] == [(1, "zz")]


def test_over_the_row_cap_is_one_error_and_reading_stops(settings):
    settings.IMPORT_MAX_ROWS = 3
    rows, report = _read("a\n" + "1\n" * 10, required=["a"])
    assert rows == []
    assert report.errors == [RowError(5, "", imports.TOO_MANY_ROWS.format(limit=3))]
    assert report.error_count == 1


def test_an_unreadable_line_is_an_error_not_an_exception():
    rows, report = _read('a\n"x' + "y" * 131_072 + '"\n', required=["a"])
    assert (rows, report.errors) == (
        [],
        [RowError(2, "", imports.FIELD_TOO_LONG.format(limit=131_072))],
    )


def test_errors_keep_the_first_hundred_by_row_and_count_them_all():
    report = ImportReport()
    report.add_all(RowError(row, "x", "bad") for row in range(500, 0, -1))
    assert report.error_count == 500 and report.errors_not_shown == 400
    assert [e.row for e in report.errors] == list(range(1, 101))


def test_cells_collect_every_bad_value_of_a_row():
    cells = Cells(
        7,
        {"when": "0001-01-01 00:00", "month": "2020-13", "n": "５", "d": "1e999999", "c": "X"},
    )
    assert cells.moment("when") is None
    assert cells.month("month") is None
    assert cells.whole("n") is None
    assert cells.choice("c", ["a", "b"]) is None
    assert cells.decimal("d") == Decimal("1e999999")
    assert [e.column for e in cells.errors] == ["when", "month", "n", "c"]
    assert cells.errors[0].message == imports.YEAR_OUT_OF_RANGE.format(value="0001-01-01 00:00")


@pytest.mark.parametrize("value", ["2100-01-01", "1999-12-31", "0001-01-01"])
def test_days_outside_the_calendar_are_refused(value):
    with pytest.raises(ValueError, match="Give a year"):
        imports.parse_day(value)


def test_a_validation_error_with_or_without_fields_becomes_row_errors():
    assert imports.validation_errors(3, ValidationError("Locked.")) == [RowError(3, "", "Locked.")]
    assert imports.validation_errors(3, ValidationError({"title": ["Needed."]})) == [
        RowError(3, "title", "Needed.")
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "refusal",
    [ValidationError("A plain refusal."), ApplicationError("A plain refusal.")],
)
def test_a_row_refused_at_write_is_an_error_and_nothing_is_kept(refusal, django_user_model):
    def refuse():
        raise refusal

    report = import_all(
        ImportReport(),
        [(2, lambda: django_user_model.objects.create(username="kept?")), (3, refuse)],
        dry_run=False,
    )
    assert report.errors == [RowError(3, "", "A plain refusal.")]
    assert report.imported == 0
    assert not django_user_model.objects.filter(username="kept?").exists()


@pytest.mark.parametrize(
    ("value", "out"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-2.5", "-2.5"),
        ("plain", "plain"),
        (3, 3),
        (Decimal("-1.5"), Decimal("-1.5")),
        (None, None),
    ],
)
def test_neutralise(value, out):
    assert neutralise(value) == out


def test_csv_lines_neutralise_every_cell():
    assert list(csv_lines([["a", "b"], ["=1+1", 2]])) == ["a,b\r\n", "'=1+1,2\r\n"]
