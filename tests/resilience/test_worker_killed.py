"""A Celery worker is killed (SIGKILL, main process and pool child) in the middle of a pack
build: the message was not acknowledged (acks_late), so once the broker's visibility timeout
passes another worker gets it again and rebuilds the same version, leaving exactly one file.
(With early acks the message is gone and the pack stays `building` for ever: this test fails.
The prefork pool is used because the solo pool cannot send an early ack while a task blocks
its event loop, which would hide that.)

The first worker is held inside the build (the pack row says `building`) by a flag file, then
killed; a second worker, with the flag gone, finishes the job. Both run on the test database
(PostgreSQL) and a throwaway Redis; the session's own worker is not involved.
"""

import hashlib
import os
import signal
import subprocess
import sys
import time
from datetime import date

import pytest
from django.db import connection

from core.tests.factories import CommitteeFactory
from kvis import packs
from kvis.models import Pack, PackStatus

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _worker(broker_url: str, media_root, log_path, hang_flag=None) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_MEDIA_ROOT": str(media_root),
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "KVI_HANG_BUILDS_WHILE": str(hang_flag or ""),
    }
    return subprocess.Popen(
        [
            sys.executable, "-m", "tests.resilience.hang_worker", "worker",
            "--pool", "prefork", "--concurrency", "1", "--loglevel", "INFO",
            "--queues", "default,packs", "--hostname", f"kill-test-{time.monotonic_ns()}@%h",
            "--without-heartbeat", "--without-gossip", "--without-mingle",
        ],
        env=env,
        stdout=log_path.open("a"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the main process and its pool child
    )  # fmt: skip


def _wait_for(pack_id: int, statuses: set, timeout: float, proc, log_path) -> Pack:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pack = Pack.objects.get(pk=pack_id)
        if pack.status in statuses:
            return pack
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    raise AssertionError(
        f"pack is {pack.status}, not {statuses}, after {timeout} s:\n{log_path.read_text()[-3000:]}"
    )


def test_a_worker_killed_mid_build_leaves_the_pack_to_be_rebuilt_once(
    broker, tmp_path, admin_user_
):
    if connection.vendor != "postgresql":
        pytest.skip("worker processes share the test database only on PostgreSQL")
    comc = CommitteeFactory()
    flag = tmp_path / "hold-builds"
    flag.touch()
    log_path = tmp_path / "workers.log"
    # The workers' own media folder: other tests' packs share the session's, and this test
    # counts the files its workers write.
    media_root = tmp_path / "media"
    pack = packs.pack_request(committee=comc, month=date(2020, 11, 1), by=admin_user_)
    assert Pack.objects.get(pk=pack.pk).status == PackStatus.QUEUED

    first = _worker(broker.url, media_root, log_path, hang_flag=flag)
    try:
        held = _wait_for(pack.pk, {PackStatus.BUILDING}, 90, first, log_path)
        time.sleep(0.5)  # well inside the build: the row is marked, the PDF not yet written
        os.killpg(first.pid, signal.SIGKILL)  # the whole worker, pool child included
        first.wait(10)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
    assert held.attempts == 1
    killed = Pack.objects.get(pk=pack.pk)
    assert (killed.status, killed.file.name) == (PackStatus.BUILDING, "")
    flag.unlink()

    second = _worker(broker.url, media_root, log_path)
    try:
        built = _wait_for(pack.pk, {PackStatus.READY, PackStatus.FAILED}, 120, second, log_path)
    finally:
        os.killpg(second.pid, signal.SIGTERM)
        try:
            second.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(second.pid, signal.SIGKILL)
    assert built.status == PackStatus.READY, built.error
    assert built.attempts == 2, "the build was not run again after the kill"
    folder = media_root / "packs" / comc.code / "2020-11"
    assert sorted(p.name for p in folder.iterdir()) == ["draft-1.pdf"]
    assert Pack.objects.filter(committee=comc).count() == 1
    assert hashlib.sha256((folder / "draft-1.pdf").read_bytes()).hexdigest() == built.sha256
