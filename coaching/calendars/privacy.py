"""Personal data of calendar connections: all deleted with the account (or the connection).

Imported busy times are start and end only; a coach's export shows the account names and
calendar names they connected, never a password or token."""

from privacy.registry import PersonalData, register

register(
    PersonalData("calendars.BusyInterval", subject="practice__owner", fields=["start", "end"]),
    PersonalData(
        "calendars.HourBlock", subject="practice__owner", fields=["start", "end", "created_at"]
    ),
    PersonalData(
        "calendars.BookingEvent",
        subject="calendar__connection__practice__owner",
        fields=["uid", "state", "present"],
        order=90,
    ),
    PersonalData(
        "calendars.RemoteCalendar",
        subject="connection__practice__owner",
        fields=["name", "counts_as_busy", "all_day_blocks", "receives_bookings", "synced_at"],
        order=95,
    ),
    PersonalData(
        "calendars.CalendarConnection",
        subject="practice__owner",
        fields=["provider", "account_name", "created_at", "last_success_at"],
        order=99,
    ),
)
