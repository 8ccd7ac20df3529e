"""Fixtures shared by every app's tests: one user per role, a logged-in client per role."""

import os
import subprocess
import sys
import time

import pytest
from django.contrib.auth.models import Group
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from core.roles import ADMIN, COMMITTEE_MEMBER, CUSTOMER_OPS, PAFA, ROLES

# Property tests check rules, not speed: on a shared 2-core machine an example can take longer
# than Hypothesis's 200 ms deadline, or its input generation look "too slow", for no fault of
# the code under test.
hypothesis_settings.register_profile(
    "portal", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("portal")

ROLE_USERNAMES = {
    COMMITTEE_MEMBER: "t-committee",
    CUSTOMER_OPS: "t-ops",
    PAFA: "t-pafa",
    ADMIN: "t-admin",
}
PASSWORD = "correct-horse-battery"


def make_user(django_user_model, username: str, role: str | None, **extra):
    user = django_user_model.objects.create_user(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.org",
        is_staff=role == ADMIN,
        **extra,
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def role_users(db, django_user_model):
    """A user in each role, keyed by role name, plus 'none' for a user without a role."""
    users = {role: make_user(django_user_model, ROLE_USERNAMES[role], role) for role in ROLES}
    users["none"] = make_user(django_user_model, "t-norole", None)
    return users


@pytest.fixture
def client_for(client, role_users):
    """client_for(role) returns a test client logged in as that role's user."""
    from django.test import Client

    def _client(role):
        c = Client()
        c.force_login(role_users[role])
        return c

    return _client


@pytest.fixture
def committee_user(role_users):
    return role_users[COMMITTEE_MEMBER]


@pytest.fixture
def ops_user(role_users):
    return role_users[CUSTOMER_OPS]


@pytest.fixture
def pafa_user(role_users):
    return role_users[PAFA]


@pytest.fixture
def admin_user_(role_users):
    return role_users[ADMIN]


@pytest.fixture(scope="session", autouse=True)
def media_root(tmp_path_factory):
    """One media folder for the whole test run, never the project's own media/ (the worker
    process is given the same one)."""
    from django.test import override_settings

    root = tmp_path_factory.mktemp("media")
    override = override_settings(MEDIA_ROOT=str(root))
    override.enable()
    yield root
    override.disable()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached page fragments are keyed by database state; a test's rolled-back data can
    recreate an earlier test's key, so every test starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2 costs about 0.3 s per user; tests create many users and need no real hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or {"transactional_db", "live_server"} & set(request.fixturenames)
    )


@pytest.fixture(autouse=True)
def _roles_survive_flush(request):
    """Transactional tests flush the database after each test, and with it the groups and
    the configuration defaults that the data migrations made; put them back from the same
    tables and defaults the migrations use."""
    if _is_transactional(request):
        request.getfixturevalue("transactional_db")
        from django.apps import apps

        from core.models import VersionedSettings
        from core.roles import grant_role_permissions, sync_all_roles
        from issues.defaults import defaults_create
        from issues.permissions import WEIGHTS_PERMISSIONS

        sync_all_roles()
        # The communications framework weights' permissions, which migration 0007 grants.
        grant_role_permissions(apps, "issues", WEIGHTS_PERMISSIONS)
        defaults_create()
        for model in apps.get_models():
            if issubclass(model, VersionedSettings) and not model.objects.exists():
                model.objects.create(version=1)  # as each app's data migration does


@pytest.fixture(autouse=True)
def _celery_in_process_unless_worker(request):
    """Tasks run in-process unless the test is marked `worker` (a real worker and broker)."""
    from kvi_portal.celery import app

    eager = request.node.get_closest_marker("worker") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager or previous
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, media_root):
    """A real `celery worker` process on the configured broker, using the test database."""
    from django.conf import settings
    from django.db import connection

    broker = os.environ.get("CELERY_BROKER_URL")
    if not broker:
        pytest.skip("needs CELERY_BROKER_URL (a real broker); .ci/run sets it")
    if connection.vendor == "sqlite":
        pytest.skip("a worker process cannot share an in-memory SQLite test database")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_MEDIA_ROOT": str(media_root),
        # The console backend would write every attached PDF to the worker's log.
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    log_path = media_root.parent / "celery-worker.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "kvi_portal",
            "worker",
            "--pool",
            "solo",
            "--concurrency",
            "1",
            "--loglevel",
            "INFO",
            "--hostname",
            "kvi-test-worker@%h",
            "--queues",
            ",".join(settings.WORKER_QUEUES),
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    from kvi_portal.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("celery worker exited early:\n" + log_path.read_text())
        if app.control.ping(timeout=1.0):
            break
    else:
        proc.kill()
        raise RuntimeError("celery worker did not answer a ping within 60 s")
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(autouse=True)
def _login_throttling_off(settings):
    """django-axes refuses `client.login()` (it has no request) and would carry failed logins
    from one test to the next; tests that check throttling turn it back on themselves."""
    settings.AXES_ENABLED = False


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The demo data, loaded once per module inside a transaction that is rolled back after
    it; each test runs in its own savepoint within it (loading takes seconds)."""
    from io import StringIO

    from django.core.management import call_command
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)
