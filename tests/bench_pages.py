"""The pages part of `make bench` (issue #18): every page a role opens, through gunicorn, cold
(the cache cleared before each measured request) and warm, as a ratio to the anonymous login
page's p95, at full size and at one tenth of the data.

Two seeded PostgreSQL databases are served side by side, each by its own gunicorn (two sync
workers, persistent connections) with its own Redis database as the cache. One client sends
the requests one at a time in interleaved rounds (every page of both sizes, cold then warm,
each round), each right after a request for the login page, so the machine's noise falls on
every figure and on the floor alike. Cold: FLUSHDB of that server's cache just before the
request. Warm: the same request again without the flush (the login page in between).

`python -m tests.bench_pages FULL_URL TENTH_URL` measures two databases already seeded (e.g.
the shared kvi_scale and a tenth-size copy) without seeding anything.
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKERS = 2
ROUNDS = int(os.environ.get("BENCH_PAGE_ROUNDS", 12))
TARGET_RATIO = 4
#: How much a page's ratio may grow from the tenth-size data to the full size.
GROWTH_LIMIT = 1.3
REDIS = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379")
#: Redis databases the two servers cache in (flushed freely: nothing else may use them).
REDIS_DBS = {"full": 5, "tenth": 6, "before full": 7, "before tenth": 8}
LOGIN = "login page (anonymous)"


def _setup(database_url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "kvi_portal.settings"
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-pages-" + "x" * 40)
    import django

    django.setup()


def _targets(queue, database_url: str) -> None:
    """Session cookies of an admin and a committee member, and the pages each opens."""
    _setup(database_url)
    from django.contrib.auth import get_user_model
    from django.test import Client

    from kvis.models import KVI
    from meetings.models import Meeting

    cookies = {}
    for username in ("admin", "committee"):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        cookies[username] = f"sessionid={client.cookies['sessionid'].value}"
    kvi = KVI.objects.filter(code__startswith="SCALE-").order_by("code").first()
    meeting = Meeting.objects.order_by("-pk").first()
    pages = {
        LOGIN: ("", "/accounts/login/"),
        "issues overview": ("admin", "/issues/"),
        "issue list": ("admin", "/issues/list/"),
        "issue list ?band=High": ("admin", "/issues/list/?band=High"),
        "published register": ("committee", "/issues/register/"),
        "breaches": ("admin", "/issues/breaches/"),
        "communications": ("admin", "/issues/communications/"),
        "plans": ("admin", "/plans/"),
        "surveys": ("admin", "/surveys/"),
        "KVI dashboard": ("committee", "/kvis/"),
        "KVI detail": ("committee", f"/kvis/{kvi.code}/"),
        "packs": ("admin", "/kvis/packs/"),
        "My updates": ("admin", "/meetings/my-updates/"),
        "meetings": ("committee", "/meetings/"),
        "forward plan": ("committee", "/meetings/forward-plan/"),
    }
    if meeting is not None:
        pages["meeting detail"] = ("committee", f"/meetings/{meeting.pk}/")
    if only := os.environ.get("BENCH_PAGES"):  # e.g. BENCH_PAGES="issue list,plans"
        wanted = only.split(",")
        pages = {k: v for k, v in pages.items() if k == LOGIN or any(w in k for w in wanted)}
    queue.put(
        {"pages": {name: (cookies.get(who, ""), path) for name, (who, path) in pages.items()}}
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, cookie: str) -> tuple[int, float, bytes]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        headers = {"Host": "127.0.0.1"}
        if cookie:
            headers["Cookie"] = cookie
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
        status = response.status
    finally:
        conn.close()
    return status, (time.perf_counter() - started) * 1000, body


def _serve(port: int, database_url: str, cache_url: str, root: Path = ROOT) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kvi_portal.settings",
        "DATABASE_URL": database_url,
        "DATABASE_CONN_MAX_AGE": "600",
        "CACHE_URL": cache_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-pages-" + "x" * 40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    proc = subprocess.Popen(
        [gunicorn, "kvi_portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--log-level", "warning", "--timeout", "300"],
        cwd=root, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            _get(port, "/healthz", "")
            return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("gunicorn did not start within 60 s")


def _percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def measure(databases: dict[str, str], rounds: int = ROUNDS, roots: dict | None = None) -> dict:
    """Cold and warm p95 of every page at each size (`databases`: size -> URL), interleaved.
    `roots`: another checkout of the project to serve a size from (a before/after run)."""
    import redis

    from tests.bench import _run  # here: tests.bench imports this module

    servers, caches, targets = {}, {}, {}
    try:
        for size, url in databases.items():
            port = _free_port()
            cache_url = f"{REDIS}/{REDIS_DBS[size]}"
            caches[size] = redis.Redis.from_url(cache_url)
            root = (roots or {}).get(size, ROOT)
            servers[size] = (port, _serve(port, url, cache_url, root))
            targets[size] = _run(_targets, url)["pages"]
        samples = {
            (size, name, kind): []
            for size in databases
            for name in targets[size]
            for kind in ("cold", "warm")
        }
        for size, (port, _proc) in servers.items():  # warm up; a page not 200 stops here
            for name, (cookie, path) in targets[size].items():
                for _ in range(2):
                    status, _ms, _body = _get(port, path, cookie)
                    if status != 200:
                        raise RuntimeError(f"{size} {name} {path} answered {status}")
        # Each measured request follows a request for the login page, so the floor is sampled
        # as often as the pages and under the same moment's load.
        for _ in range(rounds):
            for size, (port, _proc) in servers.items():
                login_cookie, login_path = targets[size][LOGIN]
                for name, (cookie, path) in targets[size].items():
                    if name == LOGIN:
                        continue
                    for kind in ("cold", "warm"):
                        caches[size].flushdb()
                        status, ms, _body = _get(port, login_path, login_cookie)
                        assert status == 200, (size, LOGIN, status)
                        samples[(size, LOGIN, kind)].append(ms)
                        if kind == "cold":
                            caches[size].flushdb()
                        status, ms, _body = _get(port, path, cookie)
                        assert status == 200, (size, name, status)
                        samples[(size, name, kind)].append(ms)
    finally:
        for _port, proc in servers.values():
            proc.terminate()
            proc.wait(30)
    rows: dict = {}
    for size in databases:
        floor = _percentile(samples[(size, LOGIN, "cold")], 0.95)
        for name, (_cookie, path) in targets[size].items():
            cold = samples[(size, name, "cold")]
            warm = samples[(size, name, "warm")]
            rows.setdefault(name, {"path": path})[size] = {
                "requests": len(cold),
                "cold_p50_ms": round(statistics.median(cold), 1),
                "cold_p95_ms": round(_percentile(cold, 0.95), 1),
                "warm_p95_ms": round(_percentile(warm, 0.95), 1),
                "cold_ratio": round(_percentile(cold, 0.95) / floor, 2),
                "warm_ratio": round(_percentile(warm, 0.95) / floor, 2),
            }
    return rows


def print_table(rows: dict) -> None:
    print(
        f"\n{'page (gunicorn, 2 workers)':<26}"
        f"{'full: cold p95':>15}{'warm':>7}{'×login':>8}{'warm×':>7}"
        f"{'tenth: cold p95':>16}{'warm':>7}{'×login':>8}{'growth':>8}"
    )
    for name, row in rows.items():
        full, tenth = row.get("full"), row.get("tenth")
        line = f"{name:<26}"
        if full:
            line += (
                f"{full['cold_p95_ms']:>15}{full['warm_p95_ms']:>7}{full['cold_ratio']:>8}"
                f"{full['warm_ratio']:>7}"
            )
        if tenth:
            line += f"{tenth['cold_p95_ms']:>16}{tenth['warm_p95_ms']:>7}{tenth['cold_ratio']:>8}"
        marks = []
        if full and tenth:
            growth = full["cold_ratio"] / tenth["cold_ratio"]
            line += f"{growth:>8.2f}"
            if growth > GROWTH_LIMIT:
                marks.append("grows")
        if full and full["cold_ratio"] > TARGET_RATIO:
            marks.append("over 4×")
        print(line + ("  " + ", ".join(marks) if marks else ""))


def main() -> None:
    """`python -m tests.bench_pages FULL_URL TENTH_URL [BEFORE_CHECKOUT]`: with a checkout of
    the code before (e.g. `git archive main`), both are measured in the same rounds."""
    import json

    full, tenth = sys.argv[1:3]
    databases = {"full": full, "tenth": tenth}
    roots = {}
    if len(sys.argv) > 3:
        before = Path(sys.argv[3]).resolve()
        databases.update({"before full": full, "before tenth": tenth})
        roots = {"before full": before, "before tenth": before}
    rows = measure(databases, roots=roots)
    if roots:
        print("\nbefore (the checkout given):")
        print_table(
            {
                name: {"full": row["before full"], "tenth": row["before tenth"]}
                for name, row in rows.items()
            }
        )
        print("\nafter (this checkout):")
    print_table(rows)
    out = ROOT / "artifacts" / "bench-pages.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
