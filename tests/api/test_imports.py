"""CSV import of issues and breaches: all rows or none, every bad row and column reported, the
same importer behind the API and the management command."""

from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from core.roles import ADMIN, CUSTOMER_OPS
from core.tests.factories import OrganisationFactory
from issues.importers import breaches_import, issues_import
from issues.models import Breach, Issue
from tests.api.conftest import CALLERS, refused_status

pytestmark = pytest.mark.django_db

ISSUES_CSV = (
    "title,category,identified_by,identified_at,impact,financial_level,customers,mprn_count\n"
    "AQ rejected,aq_defect,customer,2020-11-23 09:30,high,medium,ACME,12\n"
    "Late file,process,provider,2020-11-24T10:00:00+00:00,low,low,,\n"
)
BREACHES_CSV = (
    "severity,identified_at,description,notified_at\n"
    "high,2020-11-23 09:30,Report to the wrong shipper,2020-11-23 11:00\n"
    "low,2020-11-24 10:00,Name in a subject line,\n"
)


@pytest.fixture
def acme():
    return OrganisationFactory(name="Acme Gas Ltd", short_name="ACME")


def test_valid_issues_import_scores_every_row(ops_user, acme):
    report = issues_import(text=ISSUES_CSV, dry_run=False, by=ops_user)
    assert (report.ok, report.rows, report.imported) == (True, 2, 2)
    first = Issue.objects.get(title="AQ rejected")
    assert (first.score, first.mprns_affected) == (6, 12)
    assert list(first.affected_customers.all()) == [acme]
    assert first.actions.exists()
    assert first.identified_at.utcoffset().total_seconds() == 0  # 23 Nov: GMT


def test_dry_run_checks_and_saves_nothing(ops_user, acme):
    report = issues_import(text=ISSUES_CSV, dry_run=True, by=ops_user)
    assert (report.ok, report.rows, report.imported) == (True, 2, 0)
    assert not Issue.objects.exists()


def test_every_bad_row_and_column_is_reported_and_nothing_imported(ops_user, acme):
    text = (
        "title,category,identified_by,identified_at,impact,financial_level,customers\n"
        "Fine,data,provider,2020-11-23 09:30,low,low,\n"
        "Bad,nonsense,provider,yesterday,huge,low,Nobody Ltd\n"
        ",data,provider,2099-01-01 09:00,low,low,\n"
    )
    report = issues_import(text=text, dry_run=False, by=ops_user)
    assert not report.ok
    assert {(e.row, e.column) for e in report.errors} == {
        (3, "category"),
        (3, "identified_at"),
        (3, "impact"),
        (3, "customers"),
        (4, "title"),
        (4, "identified_at"),
    }
    assert not Issue.objects.exists()


def test_missing_columns_are_named(ops_user):
    report = breaches_import(text="severity,description\nhigh,x\n", dry_run=False, by=ops_user)
    assert [(e.row, e.column) for e in report.errors] == [(1, "identified_at")]


def test_breach_import_starts_both_clocks(ops_user):
    report = breaches_import(text=BREACHES_CSV, dry_run=False, by=ops_user)
    assert report.imported == 2
    high = Breach.objects.get(severity="high")
    assert high.notification_due is not None and high.notified_at is not None
    assert Breach.objects.get(severity="low").notification_due is None


def test_breach_notified_before_identified_is_a_row_error(ops_user):
    text = (
        "severity,identified_at,description,notified_at\nhigh,2020-11-23 09:30,x,2020-11-22 09:00\n"
    )
    report = breaches_import(text=text, dry_run=False, by=ops_user)
    assert [(e.row, e.column) for e in report.errors] == [(2, "notified_at")]
    assert not Breach.objects.exists()


def test_command_imports_and_refuses_bad_files(ops_user, tmp_path):
    good = tmp_path / "breaches.csv"
    good.write_text(BREACHES_CSV, encoding="utf-8")
    out = StringIO()
    call_command("import_register", "breaches", str(good), "--user", ops_user.username, stdout=out)
    assert "Imported 2 breaches." in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text("severity,identified_at,description\nhuge,now,x\n", encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="Nothing was imported: 2 error"):
        call_command(
            "import_register", "breaches", str(bad), "--user", ops_user.username, stderr=err
        )
    assert "Row 2, column 'severity'" in err.getvalue()  # one RowError: columns quoted
    assert Breach.objects.count() == 2


def _upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("rows.csv", text.encode(), content_type="text/csv")


@pytest.mark.parametrize("role", CALLERS)
def test_api_import_is_for_register_writers(api_for, acme, role):
    response = api_for(role).post(
        "/api/issues/import/", {"file": _upload(ISSUES_CSV), "dry_run": "true"}, format="multipart"
    )
    writers = {CUSTOMER_OPS, ADMIN}
    expected = 200 if role in writers else refused_status(role)
    assert response.status_code == expected
    assert not Issue.objects.exists()


def test_api_import_reports_errors_as_400_and_imports_on_success(api_for):
    client = api_for(CUSTOMER_OPS)
    bad = client.post(
        "/api/breaches/import/",
        {"file": _upload("severity,identified_at,description\nhuge,now,x\n")},
        format="multipart",
    )
    assert bad.status_code == 400
    assert [(e["row"], e["column"]) for e in bad.json()["errors"]] == [
        (2, "severity"),
        (2, "identified_at"),
    ]
    good = client.post("/api/breaches/import/", {"file": _upload(BREACHES_CSV)}, format="multipart")
    assert good.status_code == 200
    assert good.json() == {
        "rows": 2,
        "imported": 2,
        "dry_run": False,
        "errors": [],
        "error_count": 0,
    }
    assert Breach.objects.count() == 2
