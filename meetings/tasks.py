"""Celery adapter of the reporting calendar's reminders."""

from celery import shared_task

from meetings import reminders


@shared_task(name="meetings.tasks.send_calendar_reminders", time_limit=300)
def send_calendar_reminders() -> int:
    """Send the reminders due today (each once, however often or late this runs)."""
    return reminders.reminders_send()
