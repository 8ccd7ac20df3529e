"""The published schema says what the API does (issue #14, finding 12): months as YYYY-MM,
`version` required on updates, every error answer described."""

import re

import pytest

from core.calendar import BadMonth, parse_month

pytestmark = pytest.mark.django_db

MONTH_PATTERN = r"^20\d{2}-(0[1-9]|1[0-2])$"
MONTH_OR_EMPTY = r"^(20\d{2}-(0[1-9]|1[0-2]))?$"
UPDATES = [
    ("/api/issues/{reference}/", "patch"),
    ("/api/breaches/{reference}/", "patch"),
    ("/api/plans/{id}/transition/", "post"),
    ("/api/meetings/{id}/", "patch"),
    ("/api/actions/{id}/", "patch"),
    ("/api/forward-plan/{id}/", "patch"),
]


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        return APIClient().get("/api/schema/?format=json").json()


def _body_schema(schema, path, method):
    ref = schema["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    return schema["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]


def test_every_month_parameter_is_a_yyyy_mm_string(schema):
    months = [
        (path, parameter["schema"])
        for path, operations in schema["paths"].items()
        for operation in operations.values()
        for parameter in operation.get("parameters", [])
        if parameter["name"] == "month"
    ]
    assert len(months) >= 5
    for path, month in months:
        assert month["type"] == "string" and month.get("format") != "date", path
        # A list's filter may be empty (every month), as a page's filter form sends it.
        assert month["pattern"] in (MONTH_PATTERN, MONTH_OR_EMPTY), path
    lists = {path for path, month in months if month["pattern"] == MONTH_OR_EMPTY}
    assert {"/api/issues/", "/api/breaches/", "/api/communications/"} <= lists
    assert "/api/breaches/monthly/" not in lists


@pytest.mark.parametrize(
    "text",
    [
        "2020-11",
        "2000-01",
        "2099-12",
        "2020-86",
        "2020-00",
        "2020-13",
        "1999-12",
        "2100-01",
        "0000-00",
        "9999-12",
        "2020-1",
        "2020-11x",
        "20201-11",
    ],
)
def test_the_month_pattern_accepts_exactly_what_the_api_accepts(text):
    # Before: ^\d{4}-\d{2}$ let a client think 2020-86 or 0000-00 would do; the API refuses them.
    try:
        parse_month(text)
        accepted = True
    except BadMonth:
        accepted = False
    assert bool(re.match(MONTH_PATTERN, text)) is accepted


@pytest.mark.parametrize(("path", "method"), UPDATES)
def test_an_update_requires_the_version_it_read(schema, path, method):
    # The body itself is required (an empty PATCH has no version: 400).
    assert schema["paths"][path][method]["requestBody"]["required"] is True
    body = _body_schema(schema, path, method)
    assert "version" in body["required"]
    assert "x-portal-version" not in body["properties"]["version"]
    assert "If-Match" in body["properties"]["version"]["description"]


def test_every_error_answer_has_a_described_body(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                if code.startswith(("4", "5")):
                    assert response.get("description"), (method, path, code)
                    assert "application/json" in response.get("content", {}), (method, path, code)
            if path.startswith("/api/") and path not in ("/api/schema/", "/api/auth/token/"):
                assert {"401", "403"} <= set(operation["responses"]), (method, path)


def _query_parameter(schema, path, name):
    parameters = schema["paths"][path]["get"]["parameters"]
    return next(p["schema"] for p in parameters if p["name"] == name)


def test_the_calendars_filters_say_what_they_take(schema):
    # Issue #14: `year` was an unbounded integer (0 answered 400), the decision dates a date
    # (an empty one, as the page's form sends, answered 200), `committee`/`meeting` choices.
    assert _query_parameter(schema, "/api/meetings/", "year") == {
        "type": "integer",
        "minimum": 2000,
        "maximum": 2099,
    }
    for name in ("decision_after", "decision_before"):
        day = _query_parameter(schema, "/api/forward-plan/", name)
        assert {"type": "string", "enum": [""]} in day["anyOf"]
        assert {"type": "string", "format": "date", "pattern": r"^20\d{2}-"} in day["anyOf"]
