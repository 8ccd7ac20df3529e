"""`make soak`: the load and fault checks that take minutes, with their figures.

1. 50 concurrent users (locust, headless, 60 s) browse and log issues through gunicorn on
   127.0.0.1 against PostgreSQL (database `kvi_soak`, created and dropped here): 0 errors,
   and every issue the server acknowledged is in the database afterwards.
2. PostgreSQL restarted under a looping client (a throwaway cluster, tests/resilience/
   db_restart.py): clean failures during the outage, recovery without restarting gunicorn.

Prints the figures, writes artifacts/soak.json, and exits non-zero if a check fails.
Variables: SOAK_USERS (50), SOAK_SECONDS (60), SOAK_PG (postgres://postgres@127.0.0.1:5432).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg2

from tests.resilience import db_restart
from tests.resilience.throwaway import SECRET_KEY, Gunicorn, manage

ROOT = Path(__file__).resolve().parents[2]
PG = os.environ.get("SOAK_PG", "postgres://postgres@127.0.0.1:5432")
DB = "kvi_soak"
USERS = int(os.environ.get("SOAK_USERS", "50"))
SECONDS = int(os.environ.get("SOAK_SECONDS", "60"))
PASSWORD = "soak-password-2020"

CREATE_USERS = """
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
ops = Group.objects.get(name="Customer Ops")
digest = make_password({password!r})
for i in range({users}):
    name = f"soak-{{i:02d}}"
    user, _ = User.objects.get_or_create(username=name, defaults={{"password": digest}})
    user.groups.add(ops)
print(User.objects.get(username="ops").pk)
"""


def _admin_sql(sql: str) -> None:
    conn = psycopg2.connect(f"{PG}/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(sql)
    conn.close()


def _stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv") as f:
        return list(csv.DictReader(f))


def load_phase(workdir: Path) -> dict:
    _admin_sql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    _admin_sql(f"CREATE DATABASE {DB}")
    web = None
    try:
        env = {
            **os.environ,
            "DATABASE_URL": f"{PG}/{DB}",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "CELERY_BROKER_URL": "",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        }
        print(f"Preparing {DB}: migrate, demo data, {USERS} Customer Ops users …", flush=True)
        manage("migrate", "--noinput", env=env)
        manage("load_demo", env=env)
        code = CREATE_USERS.format(password=PASSWORD, users=USERS)
        owner = manage("shell", "-c", code, env=env).strip().splitlines()[-1]
        web = Gunicorn(env, workers=3, log=workdir / "gunicorn.log").start()
        titles = workdir / "titles.txt"
        titles.touch()
        prefix = workdir / "locust"
        print(f"locust: {USERS} users for {SECONDS} s against {web.url} …", flush=True)
        started = time.monotonic()
        subprocess.run(
            [
                sys.executable, "-m", "locust", "-f", str(ROOT / "tests/soak/locustfile.py"),
                "--headless", "--users", str(USERS), "--spawn-rate", "10",
                "--run-time", f"{SECONDS}s", "--stop-timeout", "10", "--host", web.url,
                "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
            ],
            env={**os.environ, "SOAK_PASSWORD": PASSWORD, "SOAK_OWNER_ID": owner,
                 "SOAK_TITLES": str(titles), "SOAK_USERS": str(USERS)},
            cwd=ROOT,
            timeout=SECONDS + 90,
            check=False,
        )  # fmt: skip
        elapsed = time.monotonic() - started
        rows = _stats(prefix)
        acknowledged = set(titles.read_text().split("\n")) - {""}
        conn = psycopg2.connect(f"{PG}/{DB}")
        with conn.cursor() as cursor:
            cursor.execute("SELECT title FROM issues_issue WHERE title LIKE 'soak %%'")
            stored = {t for (t,) in cursor.fetchall()}
        conn.close()
    finally:
        if web:
            web.stop()
        _admin_sql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return {
        "users": USERS,
        "seconds": round(elapsed, 1),
        "requests": int(total["Request Count"]),
        "errors": int(total["Failure Count"]),
        "requests_per_s": round(float(total["Requests/s"]), 1),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "issues_acknowledged": len(acknowledged),
        "issues_stored": len(stored & acknowledged),
        "issues_lost": sorted(acknowledged - stored),
        "pages": {
            r["Name"]: {"requests": int(r["Request Count"]), "errors": int(r["Failure Count"]),
                        "p50_ms": float(r["50%"]), "p95_ms": float(r["95%"])}
            for r in rows if r["Name"] != "Aggregated"
        },
    }  # fmt: skip


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="kvi-soak-"))
    failures = []
    load = load_phase(workdir)
    print("\n== 1. Load: browsing and logging issues")
    print(f"{'page':<24} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7}")
    for name, page in sorted(load["pages"].items()):
        print(
            f"{name:<24} {page['requests']:>8} {page['errors']:>6} "
            f"{page['p50_ms']:>7.0f} {page['p95_ms']:>7.0f}"
        )
    print(
        f"{load['users']} users, {load['seconds']} s: {load['requests']} requests, "
        f"{load['requests_per_s']} req/s, p50 {load['p50_ms']:.0f} ms, p95 {load['p95_ms']:.0f} ms"
        f", {load['errors']} errors; issues acknowledged {load['issues_acknowledged']}, "
        f"in the database {load['issues_stored']}, lost {len(load['issues_lost'])}"
    )
    if load["errors"]:
        failures.append(f"{load['errors']} errors under load")
    if load["issues_lost"] or not load["issues_acknowledged"]:
        failures.append(f"lost writes: {load['issues_lost'][:5]}")

    print("\n== 2. PostgreSQL restarted under load (throwaway cluster)")
    outcome = db_restart.run(workdir)
    restart = outcome.figures()
    print(restart)
    try:
        db_restart.check(outcome)
    except AssertionError as exc:
        failures.append(f"database restart: {exc}"[:500])

    out = ROOT / "artifacts" / "soak.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"load": load, "database_restart": restart}, indent=2))
    print(f"\nFigures written to {out.relative_to(ROOT)}")
    if failures:
        print("SOAK FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("Soak passed: 0 errors, no lost writes, clean recovery from a database restart.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
