"""`make bench`: speed figures, printed as a table and written to artifacts/bench.json.

Each figure runs in its own process on a scratch SQLite database (artifacts/bench.sqlite3), so
peak memory (ru_maxrss) belongs to that measurement alone:

- healthz: the cheapest request through Django's test client (the floor for pages);
- pack builds: the demo CoMC pack, and a 40-page pack (30 extra KVIs with a year of history),
  each next to its floor: WeasyPrint rendering the same HTML with the charts taken out and no
  queries (the HTML is prepared beforehand), as a ratio.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
DB = ARTIFACTS / "bench.sqlite3"
EXTRA_KVIS = 30


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "kvi_portal.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    os.environ.setdefault("DJANGO_MEDIA_ROOT", str(ARTIFACTS / "bench-media"))
    os.environ["DJANGO_EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _prepare(queue) -> None:
    """A fresh database with the demo data, plus extra CoMC KVIs for the large pack."""
    if DB.exists():
        DB.unlink()
    _setup()
    from io import StringIO

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=StringIO())
    from datetime import date
    from decimal import Decimal

    from django.contrib.auth import get_user_model

    from core.models import Committee
    from kvis import services
    from kvis.models import KVI, Commitment, Measure, MeasureKind
    from kvis.rules import months_ending

    comc = Committee.objects.get(code="CoMC")
    ops = get_user_model().objects.get(username="ops")
    admin = get_user_model().objects.get(username="admin")
    for n in range(EXTRA_KVIS):
        kvi = KVI.objects.create(
            code=f"BENCH-{n:02d}", title=f"Scaled KVI {n}", description="Scaled for the bench.",
            active_from=date(2019, 4, 1), display_order=200 + n,
        )
        kvi.committees.add(comc)
        Commitment.objects.create(kvi=kvi, position=1, text="Deliver as planned every month.")
        m = Measure.objects.create(kvi=kvi, name="Delivered on time", kind=MeasureKind.PERCENTAGE,
                                   target_value=Decimal(95))
        for i, month in enumerate(months_ending(date(2020, 11, 1), 6)):
            u = services.update_save(
                kvi=kvi, month=month, by=ops, last_update="Delivered.", drivers="",
                next_update="Next CoMC",
                results=[services.ResultInput(m.id, Decimal(90 + (n + i) % 10))],
            )
            services.update_approve(update=services.update_submit(update=u, by=ops), by=admin)
    queue.put({"prepared": True})


def _build(queue, committee_code: str, exclude_prefix: str | None) -> None:
    """Build a pack end to end (queries, charts, WeasyPrint), then the floor for it."""
    _setup()
    from datetime import date

    from django.template.loader import render_to_string
    from weasyprint import HTML

    from core.models import Committee
    from kvis import packs
    from kvis.charts import _trend_png
    from kvis.models import KVI

    if exclude_prefix:  # the demo pack: the scaled KVIs stop reporting to CoMC for this run
        for kvi in KVI.objects.filter(code__startswith=exclude_prefix):
            kvi.committees.clear()
    committee = Committee.objects.get(code=committee_code)
    month = date(2020, 11, 1)
    HTML(string="<p>warm-up</p>").render().write_pdf()  # a worker's fonts are already loaded
    # Builds and floors alternate, three of each, and the fastest of each counts: the machine
    # is shared, so interleaving keeps both sides under the same load.
    builds, floors = [], []
    for _ in range(3):
        pack = packs.pack_request(committee=committee, month=month, by=None,
                                  enqueue=lambda **kw: None)
        _trend_png.cache_clear()  # every build draws its charts from scratch
        started = time.perf_counter()
        pack = packs.pack_build(pack_id=pack.pk)
        builds.append(time.perf_counter() - started)
        # The floor: the same pages, no charts, no queries: only WeasyPrint's work.
        context = packs.pack_context(pack)
        for page in context["pages"]:
            for m in page["measures"]:
                m["chart"] = None
        html = render_to_string("kvis/pack/pack.html", context)
        started = time.perf_counter()
        document = HTML(string=html).render()
        document.write_pdf()
        floors.append(time.perf_counter() - started)
    seconds, floor = min(builds), min(floors)
    peak = _peak_mb()
    queue.put({
        "pages": pack.page_count,
        "seconds": round(seconds, 2),
        "floor_seconds": round(floor, 2),
        "ratio": round(seconds / floor, 2),
        "peak_mb": peak,
        "floor_pages": len(document.pages),
    })


def _healthz(queue) -> None:
    _setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    client = Client()
    samples = []
    for _ in range(300):
        started = time.perf_counter()
        assert client.get("/healthz").status_code == 200
        samples.append((time.perf_counter() - started) * 1000)
    ordered = sorted(samples)
    queue.put({
        "p50_ms": round(statistics.median(samples), 3),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 3),
        "requests": len(samples),
    })


def _run(target, *args) -> dict:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(queue, *args))
    proc.start()
    result = queue.get(timeout=900)
    proc.join()
    return result


def main() -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    print("preparing the bench database (demo data + 30 scaled KVIs)...", flush=True)
    _run(_prepare)
    results = {
        "healthz (test client)": _run(_healthz),
        "pack: demo CoMC, Nov 2020": _run(_build, "CoMC", "BENCH-"),
        "pack: CoMC with 40 KVIs": None,
    }
    _run(_prepare)  # a fresh database, so the large pack is v1 too
    results["pack: CoMC with 40 KVIs"] = _run(_build, "CoMC", None)
    print()
    print(f"{'measure':<30}{'pages':>7}{'seconds':>9}{'floor s':>9}{'ratio':>7}{'peak MB':>9}")
    for name, row in results.items():
        if "pages" in row:
            print(f"{name:<30}{row['pages']:>7}{row['seconds']:>9}{row['floor_seconds']:>9}"
                  f"{row['ratio']:>7}{row['peak_mb']:>9}")
    h = results["healthz (test client)"]
    print(f"{'healthz (test client)':<30} p50 {h['p50_ms']} ms, p95 {h['p95_ms']} ms "
          f"over {h['requests']} requests")
    out = ARTIFACTS / "bench.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
