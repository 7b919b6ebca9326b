from typing import Any

from django.core.management.base import BaseCommand

from coaching.notifications.tasks import send_due_reminders


class Command(BaseCommand):
    help = "Run one notification scan now: queue due reminders and deliver pending messages."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_due_reminders.apply().get()
        self.stdout.write(f"{sent} message(s) sent.")
