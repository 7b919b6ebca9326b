from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarsConfig(AppConfig):
    name = "coaching.calendars"
    label = "calendars"
    verbose_name = _("Calendars")

    def ready(self):
        from coaching.calendars import receivers  # noqa: F401 (connects its receivers)
        from coaching.calendars.busysource import calendar_busy_seconds
        from coaching.calendars.checklist import calendar_step
        from coaching.practices.busy import register_busy_source
        from coaching.practices.checklist import register_checklist_step

        # Imported busy time, hour blocks and stale connections hide slots.
        register_busy_source(calendar_busy_seconds)
        register_checklist_step(calendar_step)
        from coaching.bookings.calendar_layers import register_calendar_layer
        from coaching.calendars.calendar_layer import LAYER

        # Hour blocks and imported busy times on the coach's calendar page (bookings').
        register_calendar_layer(LAYER)
        from coaching.calendars import notifications
        from coaching.calendars.signals import connection_broken

        notifications.register_kinds()
        connection_broken.connect(
            notifications.on_connection_broken, dispatch_uid="calendars-tell-coach-broken"
        )
