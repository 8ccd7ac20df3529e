from celery import shared_task

from core.services import worker_heartbeat_record


@shared_task(name="core.tasks.record_worker_heartbeat", time_limit=30, soft_time_limit=20)
def record_worker_heartbeat() -> int:
    """Write a heartbeat from whichever worker runs this; returns the new row's id."""
    from celery import current_task

    hostname = getattr(current_task.request, "hostname", None) or "in-process"
    return worker_heartbeat_record(hostname=hostname).pk
