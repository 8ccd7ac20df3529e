"""Celery adapters for packs: look the pack up, call one service, retry what is transient."""

import logging

from celery import shared_task
from django.db import OperationalError

from kvis import cycle, packs
from kvis.models import PackKind, PackStatus

log = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name="kvis.tasks.build_pack",
    autoretry_for=(OperationalError, ConnectionError, TimeoutError),
    retry_backoff=5,
    max_retries=3,
    acks_late=True,
    time_limit=600,
    soft_time_limit=540,
)
def build_pack(self, pack_id: int) -> str:
    """Build the pack, then e-mail it (an issued version to the members; a draft the schedule
    built to the approvers); mark it failed when retries are exhausted."""
    try:
        pack = packs.pack_build(pack_id=pack_id)
    except Exception as exc:
        transient = isinstance(exc, self.autoretry_for)
        if not transient or self.request.retries >= self.max_retries:
            packs.pack_mark_failed(pack_id=pack_id, error=f"{type(exc).__name__}: {exc}")
        raise
    if pack.kind == PackKind.ISSUED:
        packs.pack_distribute(pack=pack)
    elif pack.requested_by_id is None and pack.status == PackStatus.READY:
        cycle.notify_approvers(pack)
    return pack.status


@shared_task(name="kvis.tasks.request_monthly_packs", time_limit=120)
def request_monthly_packs() -> list[str]:
    """Build a draft of each committee's pack on its meeting's pack issue date; a committee
    without a meeting for the month gets a draft of last month's pack on the 5th business day
    (closure days count as closed). The approvers are told; it never issues."""
    from core.calendar import add_months, closed_days, localdate, nth_business_day
    from core.models import Committee
    from kvis.registry import NO_PACK_DATE, pack_month_due
    from kvis.services import ApplicationError

    today = localdate()
    fifth_business_day = today == nth_business_day(
        today.replace(day=1), 5, closed_days([today.year])
    )
    requested = []
    for committee in Committee.objects.all():
        month = pack_month_due(committee, today)
        if month is NO_PACK_DATE:
            month = add_months(today.replace(day=1), -1) if fifth_business_day else None
        if month is None:
            continue
        if committee.packs.filter(month=month).exists():
            continue
        try:
            packs.pack_request(committee=committee, month=month, by=None)
        except ApplicationError as exc:
            log.warning("monthly pack for %s not requested: %s", committee.code, exc.message)
            continue
        requested.append(committee.code)
    return requested
