"""django-appointment's workload, written once for both sides of the comparison.

One coach (django-appointment: one staff member) open 08:00-20:00 Monday to Saturday in
Europe/Berlin, 30-minute slots, a 30-minute session asked for 60 days starting tomorrow.
Bookings are 15 minutes long at distinct quarter hours (2,000 half-hour bookings would not fit
into 60 such days without overlapping, which SofaDoc's exclusion constraint refuses). Up to 2,000
of them fall inside the 60 days asked for; the rest of a larger count lies in the past year, as
a coach's history does.

Plain standard library: the peer's own virtualenv imports this file too (bench/peer_appointment.py).
"""

from __future__ import annotations

import random
from datetime import date, time, timedelta

ZONE = "Europe/Berlin"
OPENS = time(8)
CLOSES = time(20)
WORKDAYS = range(6)  # Monday (0) to Saturday (5)
SLOT_MINUTES = 30
BOOKING_MINUTES = 15
DAYS = 60
IN_WINDOW_AT_MOST = 2000
SIZES = (500, 2000, 8000)
SEED = 22


def quarter_hours(first_day: date, days: int) -> list[tuple[date, time]]:
    """Every quarter hour a booking may start at on the working days of [first_day, +days)."""
    starts = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        if day.weekday() not in WORKDAYS:
            continue
        for hour in range(OPENS.hour, CLOSES.hour):
            starts.extend((day, time(hour, minute)) for minute in (0, 15, 30, 45))
    return starts


def bookings(first_day: date, count: int) -> list[tuple[date, time]]:
    """`count` distinct booking starts (local wall clock), the same for the same arguments."""
    rng = random.Random(SEED + count)
    in_window = min(count, IN_WINDOW_AT_MOST)
    chosen = rng.sample(quarter_hours(first_day, DAYS), in_window)
    history = count - in_window
    if history:
        chosen += rng.sample(quarter_hours(first_day - timedelta(days=365), 365), history)
    return sorted(chosen)
