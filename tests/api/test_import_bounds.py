"""Imports are bounded and exports neutralised, end to end: hostile titles imported through
the API come back from the register page (CSV and XLSX) and the API's CSV as text a
spreadsheet never evaluates; a huge, a wide or an out-of-calendar upload is a 400, never a 500
or a worker held for minutes."""

import csv
import io
from datetime import date
from decimal import Decimal
from io import StringIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.imports import FIELD_TOO_LONG, MAX_ERRORS, TOO_MANY_ROWS
from core.roles import ADMIN, CUSTOMER_OPS
from issues.importers import ISSUE_COLUMNS
from issues.models import Issue
from kvis.models import MeasureResult, ReportingPeriod
from kvis.tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://x")', "=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)"]
HEADER = ",".join(ISSUE_COLUMNS)


def _upload(content: str | bytes, name: str = "rows.csv") -> SimpleUploadedFile:
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def _import(client, text: str, *, dry_run: bool = False):
    return client.post(
        "/api/issues/import/",
        {"file": _upload(text), "dry_run": "true" if dry_run else "false"},
        format="multipart",
    )


def _hostile_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ISSUE_COLUMNS)
    for title in HOSTILE:
        writer.writerow([title, "data", "provider", "2020-11-23 09:30", "low", "low"])
    return out.getvalue()


@pytest.fixture
def hostile(api_for):
    response = _import(api_for(CUSTOMER_OPS), _hostile_csv())
    assert response.status_code == 200, response.json()
    assert sorted(Issue.objects.values_list("title", flat=True)) == sorted(HOSTILE)


def _titles_from_csv(body: str, column: str = "title") -> set[str]:
    rows = list(csv.DictReader(io.StringIO(body)))
    key = next(k for k in rows[0] if k.casefold() == column)
    return {row[key] for row in rows}


def test_hostile_titles_come_back_neutralised_in_the_register_csv(client_for, hostile):
    response = client_for(CUSTOMER_OPS).get("/issues/list/", {"_export": "csv"})
    body = b"".join(response.streaming_content).decode()
    assert _titles_from_csv(body) == {"'" + title for title in HOSTILE}


def test_hostile_titles_come_back_as_text_in_the_register_xlsx(client_for, hostile):
    response = client_for(CUSTOMER_OPS).get("/issues/list/", {"_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    header = [cell.value for cell in sheet[1]]
    column = next(i for i, name in enumerate(header) if name.casefold() == "title")
    cells = [row[column] for row in sheet.iter_rows(min_row=2)]
    assert {cell.data_type for cell in cells} == {"s"}  # strings, not formulas
    assert {cell.value for cell in cells} == {"'" + title for title in HOSTILE}


def test_hostile_titles_come_back_neutralised_in_the_api_csv(api_for, hostile):
    response = api_for(CUSTOMER_OPS).get("/api/issues/?format=csv")
    body = b"".join(response.streaming_content).decode()
    assert _titles_from_csv(body) == {"'" + title for title in HOSTILE}


def test_numbers_stay_numbers_in_the_register_xlsx(client_for, hostile):
    response = client_for(CUSTOMER_OPS).get("/issues/list/", {"_export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    header = [cell.value for cell in sheet[1]]
    score = next(i for i, name in enumerate(header) if name.casefold() == "score")
    assert {row[score].data_type for row in sheet.iter_rows(min_row=2)} == {"n"}


def test_a_million_row_upload_is_refused_with_one_bounded_error(api_for):
    text = HEADER + "\n" + ",\n" * 1_000_000  # about 2 MB: under the upload's size limit
    response = _import(api_for(CUSTOMER_OPS), text, dry_run=True)
    assert response.status_code == 400
    assert len(response.content) < 100_000
    body = response.json()
    assert body["error_count"] == 1
    assert body["errors"][0]["message"] == TOO_MANY_ROWS.format(limit=5_000)
    assert not Issue.objects.exists()


def test_errors_are_capped_with_their_total(api_for):
    rows = "\n".join("x,nonsense,provider,2020-11-23 09:30,low,low" for _ in range(300))
    body = _import(api_for(CUSTOMER_OPS), HEADER + "\n" + rows + "\n", dry_run=True).json()
    assert (len(body["errors"]), body["error_count"]) == (MAX_ERRORS, 300)
    assert [e["row"] for e in body["errors"]] == list(range(2, 2 + MAX_ERRORS))


def test_a_field_over_csvs_limit_is_a_400(api_for):
    text = HEADER + "\n" + "x" * 131_073 + ",data,provider,2020-11-23 09:30,low,low\n"
    response = _import(api_for(CUSTOMER_OPS), text, dry_run=True)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 2, "column": "", "message": FIELD_TOO_LONG.format(limit=131_072)}
    ]


def test_a_year_outside_the_calendar_is_refused_in_the_dry_run(api_for):
    text = HEADER + "\nOld,data,provider,0001-01-01 00:00,low,low\n"
    response = _import(api_for(CUSTOMER_OPS), text, dry_run=True)
    assert response.status_code == 400
    assert [(e["row"], e["column"]) for e in response.json()["errors"]] == [(2, "identified_at")]


def test_a_results_row_failing_the_models_checks_is_a_400_with_row_errors(client_for):
    MeasureFactory(kvi__code="KVI-01", name="Availability", target_value=Decimal(95))
    ReportingPeriod.objects.create(month=date(2020, 10, 1), locked_at=timezone.now())
    text = "kvi,measure,month,actual\nKVI-01,Availability,2020-10,97\n"
    response = client_for(ADMIN).post(
        "/kvis/import/", {"kind": "results", "file": _upload(text, "r.csv")}
    )
    assert response.status_code == 400
    assert b"<td>2</td><td>month</td><td>October 2020 is locked" in response.content
    assert not MeasureResult.objects.exists()


def test_the_command_reads_past_the_cap_only_when_told(ops_user, tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 1
    path = tmp_path / "breaches.csv"
    path.write_text(
        "severity,identified_at,description\nlow,2020-11-23 09:30,a\nlow,2020-11-24 09:30,b\n"
    )
    with pytest.raises(CommandError, match="Nothing was imported: 1 error"):
        call_command("import_register", "breaches", str(path), "--user", ops_user.username)
    out = StringIO()
    call_command(
        "import_register",
        "breaches",
        str(path),
        "--user",
        ops_user.username,
        "--max-rows",
        "2",
        stdout=out,
    )
    assert "Imported 2 breaches." in out.getvalue()
