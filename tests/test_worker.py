"""Tasks through the real broker, executed by a real worker process, results in the database."""

import time

import pytest

from core.models import WorkerHeartbeat

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_task_enqueued_through_broker_runs_in_worker_and_writes_to_database(celery_worker_process):
    from django.conf import settings

    from core.tasks import record_worker_heartbeat

    assert not settings.CELERY_TASK_ALWAYS_EAGER
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    record_worker_heartbeat.delay()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        beat = WorkerHeartbeat.objects.filter(hostname__startswith="kvi-test-worker@").first()
        if beat:
            break
        time.sleep(0.2)
    assert beat is not None, "the worker did not record a heartbeat within 30 s"
    assert not WorkerHeartbeat.objects.filter(hostname="in-process").exists()


def test_healthz_sees_broker_and_worker_heartbeat(celery_worker_process, client):
    from core.tasks import record_worker_heartbeat

    record_worker_heartbeat.delay()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not WorkerHeartbeat.objects.exists():
        time.sleep(0.2)
    body = client.get("/healthz").json()
    assert body["broker"] is True
    assert body["last_worker_heartbeat"] is not None
