"""The API's exports of the issue register (`?format=csv`, `?format=xlsx`) are read with
values_list, not through the serializer a row: they still say what the serializer says,
hold the register page's rows, and neutralise what a spreadsheet would run."""

import csv
import io
from datetime import datetime, timedelta

import pytest
from django.test import RequestFactory
from openpyxl import load_workbook
from rest_framework.request import Request

from core.api import CSVExportMixin
from core.calendar import LONDON
from core.exports import XLSX_TYPE, csv_lines
from core.roles import COMMITTEE_MEMBER, CUSTOMER_OPS
from core.tests.factories import OrganisationFactory
from issues import services
from issues.api import IssueViewSet
from issues.tests.factories import IssueFactory

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://x.example","y")', "+1+1", "@SUM(A1)", "-1+2", "\tTab"]


def _text(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.fixture
def register(role_users):
    """Issues with every kind of value the export writes: scored and not, winter and summer
    moments, resolved and closed, actions done and open, several customers or none, hostile
    titles and descriptions."""
    zeta = OrganisationFactory(name="Zeta Gas", short_name="ZG")
    alpha = OrganisationFactory(name="Alpha Energy", short_name="")
    beta = OrganisationFactory(name="Beta Power", short_name="BP")
    made = []
    for n, title in enumerate([*HOSTILE, "Plain title", 'Quote " and, comma']):
        at = datetime(2021, 1 + 2 * (n % 6), 3 + n, 9, 30, tzinfo=LONDON)
        levels = [(3, 3), (1, 2), (None, None), (2, 2)][n % 4]
        issue = IssueFactory(
            title=title,
            description=HOSTILE[n % len(HOSTILE)] + "\nsecond line",
            identified_at=at,
            impact=levels[0],
            financial=levels[1],
            mprns_affected=n * 7,
            affected_customers=[[zeta, beta, alpha], [alpha], []][n % 3],
        )
        actions = list(issue.actions.order_by("due_at"))
        if actions and n % 2:
            services.issue_action_complete(action=actions[0], done_at=at + timedelta(hours=5))
        if n % 3 == 1:
            services.issue_set_status(issue=issue, status="resolved", at=at + timedelta(days=2))
        if n % 6 == 1:
            issue.refresh_from_db()
            services.issue_set_status(issue=issue, status="closed", at=at + timedelta(days=9))
        made.append(issue)
    return made


def _serializer_csv(role_user, query: dict) -> str:
    """What the API's CSV said when it went through the serializer, a chunk at a time (the
    mixin's own csv_rows, which the issues' viewset overrides)."""
    django_request = RequestFactory().get("/api/issues/", {**query, "format": "csv"})
    django_request.user = role_user
    view = IssueViewSet(action="list", format_kwarg=None)
    view.request = Request(django_request)
    view.request.user = role_user
    queryset = view.filter_queryset(view.get_queryset())
    serializer = view.get_serializer_class()(context=view.get_serializer_context())
    names = [n for n in serializer.fields if n not in serializer.hidden_fields()]
    return "".join(csv_lines(CSVExportMixin.csv_rows(view, queryset, serializer, names)))


@pytest.mark.parametrize("role", [CUSTOMER_OPS, COMMITTEE_MEMBER])
@pytest.mark.parametrize("query", [{}, {"band": "High"}, {"month": "2021-03"}])
def test_the_api_csv_says_what_the_serializer_says(api_for, role_users, register, role, query):
    got = _text(api_for(role).get("/api/issues/", {**query, "format": "csv"}))
    expected = _serializer_csv(role_users[role], query)
    assert got.splitlines()[0] == expected.splitlines()[0]
    assert got == expected
    if not query:
        assert len(list(csv.reader(io.StringIO(got)))) == 1 + len(register)


def test_the_api_csv_neutralises_formulas_and_keeps_its_values(api_for, register):
    rows = list(
        csv.DictReader(io.StringIO(_text(api_for(CUSTOMER_OPS).get("/api/issues/?format=csv"))))
    )
    by_reference = {row["reference"]: row for row in rows}
    for issue in register:
        row = by_reference[issue.reference]
        if issue.title.startswith(("=", "+", "@", "\t")) or issue.title == "-1+2":
            assert row["title"] == "'" + issue.title
        else:
            assert row["title"] == issue.title
        assert not row["description"].startswith(("=", "+", "-", "@", "\t"))
    every_cell = [cell for row in rows for cell in row.values()]
    assert not [c for c in every_cell if c[:1] in {"=", "+", "@", "\t"}]
    first = by_reference[register[0].reference]  # three customers, name order, ids
    customers = sorted(register[0].affected_customers.all(), key=lambda o: (o.name, o.pk))
    assert first["customers"] == "; ".join(str(o.pk) for o in customers)
    assert first["impact"] == "high" and first["score"] == "9"
    winter, summer = by_reference[register[1].reference], by_reference[register[2].reference]
    assert winter["identified_at"] == "2021-03-04T09:30:00Z"  # London's winter is UTC
    assert summer["identified_at"] == "2021-05-05T09:30:00+01:00"
    medium = by_reference[register[3].reference]  # July: its first action done, five hours on
    assert medium["required_actions"].startswith("action=")
    assert "done_at=2021-07-06T14:30:00+01:00" in medium["required_actions"]


def _register_page_rows(client, query: dict) -> list[dict]:
    text = client.get("/issues/list/", {**query, "_export": "csv"}).getvalue().decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("query", [{}, {"band": "High"}, {"status": "resolved"}])
def test_the_api_csv_has_the_register_pages_rows(api_for, client_for, register, query):
    api = list(
        csv.DictReader(
            io.StringIO(
                _text(api_for(CUSTOMER_OPS).get("/api/issues/", {**query, "format": "csv"}))
            )
        )
    )
    page = _register_page_rows(client_for(CUSTOMER_OPS), query)
    assert [r["reference"] for r in api] == [r["Reference"] for r in page]
    assert api, "no rows to compare"
    for a, p in zip(api, page, strict=True):
        assert (a["title"], a["score"], a["band"], a["mprn_count"]) == (
            p["Title"],
            p["Score"],
            p["Band"],
            p["Number of MPRNs affected"],
        )


def _bytes(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _sheet_rows(response) -> list[list[str]]:
    """A workbook's one sheet as text, as its CSV writes it (empty cells empty); no cell of it
    is a formula."""
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    sheet = load_workbook(io.BytesIO(_bytes(response)), read_only=True).worksheets[0]
    rows = []
    for row in sheet.iter_rows():
        assert not [c for c in row if c.data_type == "f"], "a cell is a formula"
        rows.append(["" if c.value is None else str(c.value) for c in row])
    return rows


def _csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("role", [CUSTOMER_OPS, COMMITTEE_MEMBER])
def test_the_api_xlsx_has_the_api_csv_rows(api_for, register, role):
    client = api_for(role)
    response = client.get("/api/issues/?format=xlsx")
    assert 'filename="issues.xlsx"' in response["Content-Disposition"]
    rows = _sheet_rows(response)
    assert rows == _csv_rows(_text(client.get("/api/issues/?format=csv")))
    titles = {row[rows[0].index("title")] for row in rows[1:]}
    assert '\'=HYPERLINK("http://x.example","y")' in titles and "'@SUM(A1)" in titles


def test_the_api_xlsx_is_only_for_lists(api_for, register):
    one = api_for(CUSTOMER_OPS).get(f"/api/issues/{register[0].reference}/?format=xlsx")
    assert one.status_code == 200 and one.json()["reference"] == register[0].reference


@pytest.mark.parametrize("path", ["/issues/list/", "/issues/register/"])
def test_the_register_xlsx_has_the_register_csv_rows(client_for, register, path):
    client = client_for(CUSTOMER_OPS)
    rows = _sheet_rows(client.get(path, {"_export": "xlsx"}))
    assert rows == _csv_rows(client.get(path, {"_export": "csv"}).getvalue().decode())
    assert len(rows) == 1 + len(register)
    assert any(cell == "'+1+1" for row in rows for cell in row)
