"""With debug off the server refuses to start on the public development key."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check(**env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_a_secret_key_and_without_debug_the_server_refuses_to_start():
    result = _check(DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_with_debug_on_the_development_key_is_allowed():
    assert _check(DJANGO_DEBUG="true").returncode == 0


def test_with_a_key_set_it_starts_without_debug():
    assert _check(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 60).returncode == 0
