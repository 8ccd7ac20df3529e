from django.db import connection

from core.models import WorkerHeartbeat


def database_answers() -> bool:
    """Whether the default database answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def broker_answers(broker_url: str) -> bool:
    """Whether the Celery broker at `broker_url` accepts a connection within two seconds."""
    from kombu import Connection

    try:
        with Connection(broker_url, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        return False


def last_worker_heartbeat() -> WorkerHeartbeat | None:
    """The most recent heartbeat written by a Celery worker, if any."""
    return WorkerHeartbeat.objects.order_by("-beat_at").first()
