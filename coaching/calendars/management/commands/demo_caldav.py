"""`manage.py demo_caldav`: the demo's own CalDAV server (Radicale) on 127.0.0.1:5232.

User `demo`, app password `demo`, one calendar "Praxis", kept under var/radicale so events
survive a restart. `make run` starts it beside the site; a coach connects it under
"Meine Praxis → Kalender" with the address http://127.0.0.1:5232/.
"""

import time

import caldav
from django.conf import settings
from django.core.management.base import BaseCommand

from coaching.calendars.radicale import LocalRadicale

PORT = 5232
USER = PASSWORD = "demo"  # noqa: S105 - the demo server's documented login


class Command(BaseCommand):
    help = "Run the demo's local CalDAV server (Radicale) until interrupted."

    def handle(self, *args, **options):
        folder = settings.BASE_DIR / "var" / "radicale"
        server = LocalRadicale(users={USER: PASSWORD}, port=PORT, folder=folder)
        server.start()
        try:
            principal = caldav.DAVClient(server.url, username=USER, password=PASSWORD).principal()
            if not any(c.name == "Praxis" for c in principal.calendars()):
                principal.make_calendar(name="Praxis", cal_id="praxis")
            self.stdout.write(
                f"Demo CalDAV server on {server.url} (user {USER}, password {PASSWORD}); "
                f"calendar {server.calendar_url(USER, 'praxis')}"
            )
            while server.process and server.process.poll() is None:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
