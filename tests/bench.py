"""`make bench`: speed figures, printed as a table and written to artifacts/bench.json.

Later work adds page latencies against a bare-view floor and pack build times; this first
figure is the floor itself, measured in-process through Django's test client.
"""

import json
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kvi_portal.settings")


def _percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def main() -> None:
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    client = Client()
    samples = []
    for _ in range(300):
        started = time.perf_counter()
        response = client.get("/healthz")
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    rows = {
        "healthz (in-process)": {
            "p50_ms": round(statistics.median(samples), 3),
            "p95_ms": round(_percentile(samples, 95), 3),
            "requests": len(samples),
        }
    }
    print(f"{'measure':<28}{'p50 ms':>10}{'p95 ms':>10}{'n':>8}")
    for name, row in rows.items():
        print(f"{name:<28}{row['p50_ms']:>10}{row['p95_ms']:>10}{row['requests']:>8}")
    out = Path("artifacts/bench.json")
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(rows, indent=2))
    print(f"written {out}")


if __name__ == "__main__":
    main()
