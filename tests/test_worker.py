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


def test_worker_builds_a_pack_through_the_broker(celery_worker_process):
    """The November 2020 CoMC pack, requested as the button does, built by the real worker."""
    from io import StringIO

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from core.models import Committee
    from kvis import cycle, packs
    from kvis.models import Pack, PackStatus

    call_command("load_demo", stdout=StringIO())
    admin = get_user_model().objects.get(username="admin")
    comc = Committee.objects.get(code="CoMC")
    from datetime import date

    def built(pack):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            pack = Pack.objects.get(pk=pack.pk)
            if pack.status in (PackStatus.READY, PackStatus.FAILED):
                break
            time.sleep(0.5)
        assert pack.status == PackStatus.READY, pack.error or pack.status
        return pack

    draft = built(packs.pack_request(committee=comc, month=date(2020, 11, 1), by=admin))
    assert draft.page_count >= 13 and draft.file.storage.exists(draft.file.name)
    assert not draft.deliveries.exists()  # a draft is e-mailed to nobody
    issued = built(cycle.pack_issue(draft=draft, by=admin))
    deadline = time.monotonic() + 30
    while issued.deliveries.filter(sent_at__isnull=False).count() < comc.members.count():
        assert time.monotonic() < deadline, "the issued pack was not delivered"
        time.sleep(0.5)
