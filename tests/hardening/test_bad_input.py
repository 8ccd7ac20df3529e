"""Bad input answers 4xx with a message, never a 500: JSON nested too deeply, a month out of
the portal's years, and SQLite's "database is locked" when two writers meet."""

import pytest
from django.test import Client

from core.roles import CUSTOMER_OPS

pytestmark = pytest.mark.django_db


def test_json_nested_100k_levels_is_refused_with_a_message(api_for):
    response = api_for(CUSTOMER_OPS).post(
        "/api/breaches/", "[" * 100_000 + "]" * 100_000, content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_json_of_ordinary_depth_still_parses(api_for):
    response = api_for(CUSTOMER_OPS).post(
        "/api/breaches/", {"severity": {"a": [[["x"]]]}}, format="json"
    )
    assert response.status_code == 400
    assert "severity" in response.json()


def test_a_month_in_year_9999_is_a_400_with_the_message(api_for):
    response = api_for(CUSTOMER_OPS).get("/api/issues/?month=9999-12")
    assert response.status_code == 400
    assert "month" in response.json()


def test_a_month_in_year_9999_on_a_register_page_shows_the_list_not_a_500(client_for):
    response = client_for(CUSTOMER_OPS).get("/issues/list/?month=9999-12")
    assert response.status_code == 200
    assert b"2000" in response.content  # the message names the portal's years


@pytest.mark.urls("tests.hardening.locked_urls")
def test_a_locked_database_on_the_api_answers_503_with_a_message(api_for):
    response = api_for(CUSTOMER_OPS).get("/api/locked/")
    assert response.status_code == 503
    assert "busy" in response.json()["detail"]
    assert response["Retry-After"]


@pytest.mark.urls("tests.hardening.locked_urls")
def test_a_locked_database_on_a_page_answers_503_with_a_message(ops_user):
    client = Client(raise_request_exception=False)
    client.force_login(ops_user)
    response = client.get("/locked-page/")
    assert response.status_code == 503
    assert b"busy" in response.content
    assert response["Retry-After"]


@pytest.mark.urls("tests.hardening.locked_urls")
def test_other_database_errors_are_not_disguised(api_for, ops_user):
    api = api_for(CUSTOMER_OPS)
    api.raise_request_exception = False
    assert api.get("/api/locked/?error=no+such+table").status_code == 500
    page = Client(raise_request_exception=False)
    page.force_login(ops_user)
    assert page.get("/locked-page/?error=no+such+table").status_code == 500


def test_sqlite_waits_for_the_lock_and_takes_it_at_the_start_of_a_transaction(settings):
    from django.conf import settings as live

    options = live.DATABASES["default"].get("OPTIONS", {})
    if live.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite only")
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
