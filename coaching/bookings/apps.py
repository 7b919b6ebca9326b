from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "coaching.bookings"
    label = "bookings"
    verbose_name = _("Bookings")

    def ready(self):
        from coaching.bookings.selectors import booking_busy_seconds
        from coaching.practices.busy import register_busy_source

        register_busy_source(booking_busy_seconds)
        from coaching.bookings.selectors import sessions_booked_between
        from coaching.practices.booked import register_booked_sessions

        register_booked_sessions(sessions_booked_between)  # time off warns of the sessions
        from coaching.bookings.payment_kind import register

        register()  # bookings are sold through payments as lines of kind "booking"
        from coaching.bookings import (
            receivers,  # noqa: F401 - connects the signal receivers
            research,  # noqa: F401 - registers the research datasets
        )
