"""The pack's build states: queued → building → ready / failed, and a retry of an interrupted
build; a refused transition is an ApplicationError (409), never a 500."""

from datetime import date

import pytest
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from core.errors import ApplicationError
from core.tests.factories import CommitteeFactory
from core.transitions import apply_transition
from kvis import packs
from kvis.models import Pack, PackStatus

pytestmark = pytest.mark.django_db


def _pack(status=PackStatus.QUEUED) -> Pack:
    return Pack.objects.create(
        committee=CommitteeFactory(),
        month=date(2020, 11, 1),
        version=1,
        requested_at=timezone.now(),
        status=status,
    )


def test_a_build_goes_queued_building_ready():
    pack = _pack()
    pack.start_build()
    assert (pack.status, pack.attempts) == (PackStatus.BUILDING, 1)
    pack.mark_ready()
    assert pack.status == PackStatus.READY


def test_an_interrupted_build_is_retried_and_a_failed_one_can_be_retried():
    pack = _pack(PackStatus.BUILDING)
    pack.retry_build()
    assert pack.status == PackStatus.BUILDING
    pack.mark_failed("font missing")
    assert (pack.status, pack.error) == (PackStatus.FAILED, "font missing")
    pack.retry_build()
    assert (pack.status, pack.error) == (PackStatus.BUILDING, "")


@pytest.mark.parametrize(
    ("status", "transition"),
    [
        (PackStatus.READY, "start_build"),
        (PackStatus.READY, "retry_build"),
        (PackStatus.QUEUED, "mark_ready"),
        (PackStatus.READY, "mark_failed"),
        (PackStatus.BUILDING, "start_build"),
    ],
)
def test_transitions_a_status_does_not_allow_are_refused(status, transition):
    pack = _pack(status)
    args = ["error"] if transition == "mark_failed" else []
    with pytest.raises(TransitionNotAllowed):
        getattr(pack, transition)(*args)


def test_a_refused_transition_in_a_service_is_an_application_error():
    pack = _pack(PackStatus.READY)
    with pytest.raises(ApplicationError, match=r"This pack is ready: it cannot be built now\."):
        apply_transition(pack, "start_build", message=packs.CANNOT_BUILD)
    assert pack.status == PackStatus.READY


def test_marking_a_ready_pack_failed_leaves_it_ready():
    pack = _pack(PackStatus.READY)
    packs.pack_mark_failed(pack_id=pack.pk, error="late worker")
    pack.refresh_from_db()
    assert (pack.status, pack.error) == (PackStatus.READY, "")
