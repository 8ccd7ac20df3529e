from celery import shared_task

from issues.reminders import reminders_send


@shared_task(
    name="issues.tasks.send_deadline_reminders",
    autoretry_for=(ConnectionError, TimeoutError),
    retry_backoff=True,
    max_retries=3,
)
def send_deadline_reminders() -> int:
    """Beat entry point: remind owners of deadlines due soon or missed (each once)."""
    return reminders_send()
