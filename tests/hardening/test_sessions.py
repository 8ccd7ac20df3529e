"""Sessions end after 30 minutes without activity and 12 hours after the login at the latest,
on the pages and on the API (both limits set by environment variables)."""

import time

import pytest
from django.conf import settings

from core.roles import CUSTOMER_OPS
from core.sessions import LAST_SEEN, STARTED

pytestmark = pytest.mark.django_db

PAGE = "/issues/"
API = "/api/issues/"


def _age_session(client, *, started_ago: float, seen_ago: float) -> None:
    session = client.session
    now = time.time()
    session[STARTED], session[LAST_SEEN] = now - started_ago, now - seen_ago
    session.save()


def test_the_defaults_are_at_most_30_minutes_idle_and_12_hours_in_all():
    assert settings.SESSION_IDLE_SECONDS <= 30 * 60
    assert settings.SESSION_ABSOLUTE_SECONDS <= 12 * 3600
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600


def test_an_active_session_goes_on(client_for):
    client = client_for(CUSTOMER_OPS)
    assert client.get(PAGE).status_code == 200
    _age_session(client, started_ago=11 * 3600, seen_ago=29 * 60)
    assert client.get(PAGE).status_code == 200
    assert client.get(API).status_code == 200


def test_a_page_after_31_idle_minutes_asks_for_the_login_again(client_for):
    client = client_for(CUSTOMER_OPS)
    assert client.get(PAGE).status_code == 200
    _age_session(client, started_ago=40 * 60, seen_ago=31 * 60)
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    login_page = client.get(response["Location"])
    assert b"30 minutes without activity" in login_page.content
    assert client.get(PAGE).status_code == 302  # logged out for good


def test_a_page_after_12_hours_asks_for_the_login_again_however_active(client_for):
    client = client_for(CUSTOMER_OPS)
    _age_session(client, started_ago=12 * 3600 + 60, seen_ago=10)
    response = client.get(PAGE)
    assert response.status_code == 302
    assert b"at most 12" in client.get(response["Location"]).content


def test_the_api_with_an_idle_session_is_anonymous(client_for):
    client = client_for(CUSTOMER_OPS)
    assert client.get(API).status_code == 200
    _age_session(client, started_ago=40 * 60, seen_ago=31 * 60)
    assert client.get(API).status_code == 401


def test_the_api_with_a_too_old_session_is_anonymous(client_for):
    client = client_for(CUSTOMER_OPS)
    _age_session(client, started_ago=13 * 3600, seen_ago=5)
    assert client.get(API).status_code == 401


def test_the_limits_come_from_the_environment(settings, client_for):
    settings.SESSION_IDLE_SECONDS = 5 * 60
    client = client_for(CUSTOMER_OPS)
    _age_session(client, started_ago=10 * 60, seen_ago=6 * 60)
    assert client.get(PAGE).status_code == 302
