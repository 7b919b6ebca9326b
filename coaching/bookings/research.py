"""Bookings' anonymised research statistics (privacy policy § 2): months and topics, no people."""

from collections import Counter

from django.db.models.functions import TruncMonth

from coaching.bookings.models import Booking, BookingState
from privacy.research import dataset

HELD_SESSIONS = (BookingState.CONFIRMED, BookingState.COMPLETED, BookingState.NO_SHOW)


@dataset("sessions_per_specialty_and_month")
def sessions_per_specialty_and_month():
    """Sessions held or booked, per month and the coach's specialty (a session counts once per
    specialty of its practice)."""
    rows = (
        Booking.objects.filter(state__in=HELD_SESSIONS, practice__owner__is_demo=False)
        .annotate(month=TruncMonth("start"))
        .values_list("month", "practice__specialties__slug")
    )
    counter = Counter((month.strftime("%Y-%m"), slug or "none") for month, slug in rows)
    for (month, specialty), count in sorted(counter.items()):
        yield {"month": month, "specialty": specialty, "count": count}


@dataset("cancellations_per_month")
def cancellations_per_month():
    """Confirmed sessions per month by outcome: held, cancelled by client / coach, no-show."""
    rows = (
        Booking.objects.filter(
            state__in=[*HELD_SESSIONS, BookingState.CANCELLED], practice__owner__is_demo=False
        )
        .annotate(month=TruncMonth("start"))
        .values_list("month", "state", "cancelled_by")
    )
    counter = Counter(
        (
            month.strftime("%Y-%m"),
            f"cancelled_by_{by}" if state == BookingState.CANCELLED else state,
        )
        for month, state, by in rows
    )
    for (month, outcome), count in sorted(counter.items()):
        yield {"month": month, "outcome": outcome, "count": count}
