from celery import shared_task

from coaching.intake.reminders import intake_reminders_queue_due


@shared_task(name="intake.remind_open")
def remind_open() -> int:
    """Remind clients of an open questionnaire or agreement 48 h before a session (beat, every
    15 minutes; once per booking, so a run that was missed only delays the message)."""
    return intake_reminders_queue_due()
