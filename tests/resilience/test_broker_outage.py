"""Redis (the Celery broker) stops: pages still serve, a pack request says the queue is
unavailable and records nothing as queued; when Redis is back the same request works.

A throwaway `redis-server` on a free port stands in for the broker, so the machine's own
Redis is never touched.
"""

import pytest

from core.roles import ADMIN, CUSTOMER_OPS
from core.tests.factories import CommitteeFactory
from kvis.models import Pack, PackStatus
from kvis.packs import QUEUE_UNAVAILABLE

pytestmark = pytest.mark.django_db


def _request_pack(client, committee):
    return client.post("/kvis/packs/", {"committee": committee.pk, "month": "2020-11"})


def test_pages_serve_and_a_pack_request_is_refused_while_redis_is_down_then_works(
    broker, client_for, django_capture_on_commit_callbacks
):
    comc = CommitteeFactory()
    admin = client_for(ADMIN)
    broker.stop()

    for path in ("/kvis/", "/kvis/packs/", "/issues/list/", "/plans/", "/surveys/"):
        assert admin.get(path).status_code == 200, path
    assert client_for(CUSTOMER_OPS).get("/issues/").status_code == 200
    health = admin.get("/healthz")
    assert health.status_code == 200 and health.json()["broker"] is False

    with django_capture_on_commit_callbacks(execute=True):
        response = _request_pack(admin, comc)
    assert response.status_code == 409
    assert QUEUE_UNAVAILABLE in response.content.decode()
    assert not Pack.objects.exists()

    broker.start()
    with django_capture_on_commit_callbacks(execute=True):
        response = _request_pack(admin, comc)
    assert response.status_code == 302
    pack = Pack.objects.get()
    assert (pack.status, pack.version) == (PackStatus.QUEUED, 1)
    assert broker.llen("packs") == 1, "the build was not sent to the broker"
    assert admin.get("/healthz").json()["broker"] is True


def test_redis_lost_between_the_check_and_the_send_leaves_a_failed_pack_not_a_queued_one(
    broker, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    from kvis import packs

    comc = CommitteeFactory()
    monkeypatch.setattr(packs, "_queue_answers", lambda: True)  # it answered a moment ago
    broker.stop()
    with django_capture_on_commit_callbacks(execute=True):
        _request_pack(client_for(ADMIN), comc)
    pack = Pack.objects.get()
    assert pack.status == PackStatus.FAILED
    assert pack.error == QUEUE_UNAVAILABLE
