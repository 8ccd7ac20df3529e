"""The foundation: login everywhere, health, roles, demo data, Celery wiring."""

import json
from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection

from core.models import Committee, Organisation, WorkerHeartbeat
from core.roles import ADMIN, COMMITTEE_MEMBER, CUSTOMER_OPS, ROLE_HOME, ROLES
from tests.urlwalk import all_urls

pytestmark = pytest.mark.django_db

#: Pages anyone may open without logging in.
PUBLIC = {
    "login",
    "healthz",
    "admin:login",
    "api-schema",
    "api-token",
    "api-docs",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
LOGIN_PAGES = ("/accounts/login/", "/admin/login/")
#: The API answers for itself: it asks an anonymous caller to authenticate, never redirects.
API_PREFIX = "/api/"


def test_url_walk_finds_the_areas():
    names = {name for _, name in all_urls()}
    assert {"home", "kvis:dashboard", "issues:index", "surveys:index", "plans:index"} <= names


PAGES = [u for u in all_urls() if u[1] not in PUBLIC and not u[0].startswith(API_PREFIX)]
API = [u for u in all_urls() if u[1] not in PUBLIC and u[0].startswith(API_PREFIX)]


@pytest.mark.parametrize(("path", "name"), PAGES)
def test_anonymous_user_is_sent_to_login_from_every_page(client, path, name):
    response = client.get(path)
    assert response.status_code == 302, f"{name} ({path}) answered {response.status_code}"
    assert response["Location"].startswith(LOGIN_PAGES), response["Location"]


def test_the_api_is_walked_too():
    assert len(API) >= 6


@pytest.mark.parametrize(("path", "name"), API)
def test_anonymous_api_caller_is_asked_to_authenticate_not_redirected(client, path, name):
    for method in (client.get, client.post, client.patch):
        response = method(path)
        assert response.status_code == 401, f"{name} ({path}) answered {response.status_code}"
        assert response["WWW-Authenticate"] == "Token"


def test_login_page_needs_no_login(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'<label class="form-label" for="id_username">Username</label>' in response.content


def test_groups_exist_with_permissions_from_migrations():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)
    committee = Group.objects.get(name=COMMITTEE_MEMBER)
    assert committee.permissions.filter(codename="view_organisation").exists()
    assert not committee.permissions.filter(codename__startswith="change_").exists()
    assert Group.objects.get(name=ADMIN).permissions.filter(codename="delete_committee").exists()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_lands_on_its_home(client_for, role):
    from django.urls import reverse

    response = client_for(role).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse(ROLE_HOME[role])
    page = client_for(role).get(response["Location"])
    assert page.status_code == 200
    for label in (b"KVIs", b"Issues &amp; breaches", b"Surveys", b"Improvement plans"):
        assert label in page.content


def test_user_without_role_is_told_so(client_for):
    response = client_for("none").get("/", follow=True)
    assert response.status_code == 403
    assert b"has no role yet" in response.content


def test_a_party_user_lands_on_their_plans(client, django_user_model):
    from core.models import Organisation

    user = django_user_model.objects.create_user(username="p", password="x-long-password-1")
    Organisation.objects.create(name="Party Ltd", is_party=True).users.add(user)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/plans/"
    assert client.get("/plans/").status_code == 200


def test_logout_ends_the_session(client_for):
    c = client_for(CUSTOMER_OPS)
    assert c.post("/accounts/logout/").status_code == 302
    assert c.get("/issues/")["Location"].startswith("/accounts/login/")


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["database"] is True
    assert body["status"] == "ok"


def test_healthz_is_503_when_database_does_not_answer(client):
    with mock.patch("core.selectors.connection.cursor", side_effect=Exception("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "unavailable"
    assert body["database"] is False
    assert "broker" in body


def test_healthz_reports_broker_when_one_is_configured(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    body = json.loads(client.get("/healthz").content)
    assert body["broker"] is False
    assert body["last_worker_heartbeat"] is None


def test_demo_data_is_idempotent():
    call_command("load_demo", stdout=StringIO())
    counts = _row_counts()
    call_command("load_demo", stdout=StringIO())
    assert _row_counts() == counts
    assert Committee.objects.filter(code__in=["CoMC", "PAC"]).count() == 2
    assert Organisation.objects.filter(is_party=True).exists()


def test_demo_has_one_login_per_role(django_user_model):
    from core.demo import DEMO_PASSWORD

    call_command("load_demo", stdout=StringIO())
    from django.test import Client

    for role in ROLES:
        user = django_user_model.objects.get(groups__name=role)
        c = Client()
        assert c.login(username=user.username, password=DEMO_PASSWORD), role
        assert c.get("/").status_code == 302


def test_no_demo_users_come_from_migrations(django_user_model):
    assert django_user_model.objects.count() == 0


def test_heartbeat_task_runs_in_process_without_a_broker():
    from core.tasks import record_worker_heartbeat

    result = record_worker_heartbeat.delay()
    assert WorkerHeartbeat.objects.filter(pk=result.get()).exists()


def test_history_is_recorded_for_shared_records():
    org = Organisation.objects.create(name="History Ltd")
    org.short_name = "HL"
    org.save()
    assert org.history.count() == 2


def _row_counts() -> dict[str, int]:
    from django.apps import apps

    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table in connection.introspection.table_names():
            counts[model._meta.label] = model.objects.count()
    return counts
