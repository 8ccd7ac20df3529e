"""PostgreSQL stopped and started under a looping client: clean failures for the outage,
recovery without restarting gunicorn (see tests/resilience/db_restart.py)."""

import os
import shutil

import pytest
from django.db import connection

from tests.resilience import db_restart
from tests.resilience.throwaway import PG_BIN


@pytest.mark.django_db
def test_healthz_answers_503_to_a_logged_in_browser_while_the_database_is_down(client_for):
    """The login check must not read the session (the database) before a public view, or a
    browser with a session cookie would get 500 from /healthz during an outage."""
    from unittest import mock

    from django.contrib.sessions.backends.db import SessionStore
    from django.db import OperationalError

    c = client_for("Admin")
    down = OperationalError("the database system is shutting down")
    with (
        mock.patch.object(SessionStore, "load", side_effect=down),
        mock.patch("core.selectors.connection.cursor", side_effect=down),
    ):
        assert c.get("/healthz").status_code == 503


@pytest.mark.slow
def test_requests_fail_cleanly_while_postgresql_is_down_and_recover_without_a_restart(tmp_path):
    if connection.vendor != "postgresql" and not os.environ.get("KVI_FAULT_TESTS"):
        pytest.skip("runs in the PostgreSQL pass of CI (or with KVI_FAULT_TESTS=1)")
    if not (PG_BIN / "initdb").exists() or not shutil.which("runuser"):
        pytest.skip(f"needs PostgreSQL's initdb in {PG_BIN}")
    outcome = db_restart.run(tmp_path)
    print(outcome.figures())
    db_restart.check(outcome)
