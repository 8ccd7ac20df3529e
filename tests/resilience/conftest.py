"""Fixtures for the fault tests: a throwaway broker the app is pointed at."""

import pytest

from tests.resilience.throwaway import Redis


@pytest.fixture
def broker(settings, monkeypatch):
    """The app's broker pointed at a throwaway Redis, tasks sent to it (not run in-process)."""
    from kvi_portal.celery import app

    redis = Redis().start()
    monkeypatch.setenv("CELERY_BROKER_URL", redis.url)  # Celery prefers it to its settings
    previous = app.conf.broker_url, app.conf.task_always_eager
    settings.CELERY_BROKER_URL, settings.CELERY_TASK_ALWAYS_EAGER = redis.url, False
    app.conf.broker_url, app.conf.task_always_eager = redis.url, False
    app._after_fork()  # forget pooled connections to the previous broker
    yield redis
    redis.stop()
    app.conf.broker_url, app.conf.task_always_eager = previous
    app._after_fork()
