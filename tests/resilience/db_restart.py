"""PostgreSQL restarted under load: a client loops over /healthz and a page through gunicorn
while the database is stopped and started again. During the outage every request gets a quick
answer (healthz 503, pages 500: no hang, no dropped connection); afterwards every request
succeeds again, served by the same gunicorn workers (nobody restarted the web process).

Runs against a PostgreSQL cluster of its own (initdb in a temp dir), never the machine's.
Used by tests/resilience/test_database_restart.py and by `make soak`.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.resilience.throwaway import SECRET_KEY, Gunicorn, Postgres, manage

USER, PASSWORD = "restart-admin", "restart-password-2020"
PAGE = "/issues/breaches/"
SLOW = 5.0  # seconds: a request slower than this during the outage counts as a hang


@dataclass
class Sample:
    at: float
    path: str
    status: int | str
    seconds: float


@dataclass
class Outcome:
    samples: list[Sample] = field(default_factory=list)
    down_at: float = 0.0
    up_at: float = 0.0
    pids_before: set[int] = field(default_factory=set)
    pids_after: set[int] = field(default_factory=set)

    def during(self) -> list[Sample]:
        """Requests not finished when the database went down and begun before it was up."""
        return [s for s in self.samples if s.at + s.seconds >= self.down_at and s.at < self.up_at]

    def after_recovery(self, grace: float) -> list[Sample]:
        return [s for s in self.samples if s.at >= self.up_at + grace]

    def before(self) -> list[Sample]:
        return [s for s in self.samples if s.at + s.seconds < self.down_at]

    def recovered_in(self) -> float | None:
        """Seconds from the restart to the first of an unbroken run of successes."""
        later = [s for s in self.samples if s.at >= self.up_at]
        for i, s in enumerate(later):
            if all(x.status == 200 for x in later[i:]):
                return round(s.at - self.up_at, 2)
        return None

    def figures(self) -> dict:
        during = self.during()
        return {
            "requests": len(self.samples),
            "during_outage": len(during),
            "outage_statuses": sorted({str(s.status) for s in during}),
            "slowest_outage_request_s": round(max((s.seconds for s in during), default=0), 2),
            "recovered_in_s": self.recovered_in(),
            "same_web_workers": self.pids_before == self.pids_after,
        }


def _logged_in(base: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=10)
    page.raise_for_status()
    done = session.post(
        f"{base}/accounts/login/",
        data={
            "username": USER,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
        allow_redirects=False,
    )
    assert done.status_code == 302, f"login failed: {done.status_code}"
    return session


def run(workdir: Path, up: float = 3, down: float = 4, after: float = 6) -> Outcome:
    """Set up a cluster and gunicorn, loop requests, stop and start the database."""
    pg = Postgres().init().start()
    web = None
    try:
        env = {
            **os.environ,
            "DATABASE_URL": pg.createdb("kvi_restart"),
            "DATABASE_CONN_MAX_AGE": "60",  # persistent connections: the harder case
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "CELERY_BROKER_URL": "",
            "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
            "DJANGO_LOG_LEVEL": "WARNING",
        }
        manage("migrate", "--noinput", env=env)
        manage("createsuperuser", "--noinput", "--username", USER, "--email", "r@x.org", env=env)
        web = Gunicorn(env, workers=2, log=workdir / "gunicorn.log").start()
        session = _logged_in(web.url)
        outcome = Outcome()
        outcome.pids_before = web.worker_pids()
        stop = threading.Event()
        start = time.monotonic()

        def loop():
            while not stop.is_set():
                for path in ("/healthz", PAGE):
                    t0 = time.monotonic()
                    try:
                        status = session.get(
                            web.url + path, timeout=SLOW * 2, allow_redirects=False
                        ).status_code
                    except requests.RequestException as exc:
                        status = type(exc).__name__
                    outcome.samples.append(Sample(t0 - start, path, status, time.monotonic() - t0))
                time.sleep(0.05)

        client = threading.Thread(target=loop)
        client.start()
        time.sleep(up)
        outcome.down_at = time.monotonic() - start
        pg.stop("fast")
        time.sleep(down)
        pg.start()
        outcome.up_at = time.monotonic() - start
        time.sleep(after)
        stop.set()
        client.join(30)
        outcome.pids_after = web.worker_pids()
        return outcome
    finally:
        if web:
            web.stop()
        pg.destroy()


def check(outcome: Outcome, grace: float = 3) -> None:
    """The assertions both the test and `make soak` make."""
    before, during = outcome.before(), outcome.during()
    assert before and all(s.status == 200 for s in before), before
    assert during, "no request was made during the outage"
    health = {s.status for s in during if s.path == "/healthz"}
    pages = {s.status for s in during if s.path == PAGE}
    assert health <= {503, 200}, f"healthz during the outage: {health}"
    assert 503 in health, "healthz never said the database was unavailable"
    assert pages <= {500, 503, 200}, f"pages during the outage: {pages}"
    assert max(s.seconds for s in during) < SLOW, "a request hung during the outage"
    after = outcome.after_recovery(grace)
    assert after and all(s.status == 200 for s in after), [s for s in after if s.status != 200]
    assert outcome.pids_before and outcome.pids_before == outcome.pids_after, (
        "the web workers were restarted"
    )
