"""Production settings from the environment: a cache shared by every web process, and
persistent database connections on PostgreSQL."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHOW = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "d = s.DATABASES['default']; "
    "print(json.dumps({'cache': s.CACHES['default'], 'age': d['CONN_MAX_AGE'], "
    "'checks': d['CONN_HEALTH_CHECKS']}))"
)


def _settings(**env) -> dict:
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in {"CACHE_URL", "REDIS_URL", "DATABASE_URL", "DATABASE_CONN_MAX_AGE"}
    }
    result = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        env={
            **base,
            "DJANGO_SETTINGS_MODULE": "kvi_portal.settings",
            "DJANGO_DEBUG": "true",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout)


def test_redis_url_gives_every_process_djangos_redis_cache():
    cache = _settings(REDIS_URL="redis://cache.internal:6379/1")["cache"]
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://cache.internal:6379/1"


def test_cache_url_wins_over_redis_url():
    cache = _settings(REDIS_URL="redis://a:6379/1", CACHE_URL="redis://b:6379/2")["cache"]
    assert cache["LOCATION"] == "redis://b:6379/2"


def test_without_a_cache_url_each_process_caches_in_memory():
    cache = _settings()["cache"]
    assert cache["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


def test_postgresql_connections_persist_with_health_checks():
    shown = _settings(DATABASE_URL="postgres://u@db.internal:5432/kvi")
    assert shown["age"] == 60
    assert shown["checks"] is True
    assert _settings(DATABASE_URL="postgres://u@h/kvi", DATABASE_CONN_MAX_AGE="0")["age"] == 0


def test_sqlite_opens_a_connection_per_request():
    assert _settings(DATABASE_URL="sqlite:///x.sqlite3")["age"] == 0


def test_the_test_suite_never_uses_a_shared_cache():
    """conftest clears the cache before every test: on a shared Redis that would empty the
    cache of whatever else uses it. pyproject's pytest env pins an in-memory cache."""
    from django.conf import settings

    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
