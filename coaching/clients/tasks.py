from celery import shared_task

from coaching.clients.services import relationships_purge_due, tasks_remind_due


@shared_task(name="clients.remind_due_tasks")
def remind_due_tasks() -> int:
    """Reminders for open tasks due today or tomorrow (hourly; once per task and due date)."""
    return tasks_remind_due()


@shared_task(name="clients.purge_ended_relationships")
def purge_ended_relationships() -> int:
    """Delete ended relationships whose keep period is over (daily)."""
    return relationships_purge_due()
