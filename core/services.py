from django.db import transaction
from django.utils import timezone

from core.models import WorkerHeartbeat


@transaction.atomic
def worker_heartbeat_record(*, hostname: str) -> WorkerHeartbeat:
    """Record that a worker on `hostname` is alive now."""
    beat = WorkerHeartbeat(hostname=hostname, beat_at=timezone.now())
    beat.full_clean()
    beat.save()
    return beat
