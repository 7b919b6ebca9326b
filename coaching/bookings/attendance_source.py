"""How long each side spent in a session's video room, for the booking page.

Bookings must not import the video app built on top of it, so video registers its source here
from its AppConfig.ready(): `register_attendance_source(attended_seconds)`. Without a source
(nothing recorded) the page shows no attendance.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from coaching.bookings.models import Booking

AttendanceSource = Callable[..., dict[str, int]]  # (booking, *, now) -> seconds per role
_source: list[AttendanceSource] = []


def register_attendance_source(source: AttendanceSource) -> AttendanceSource:
    _source[:] = [source]
    return source


def attended_seconds(booking: Booking, *, now: datetime) -> dict[str, int]:
    return _source[0](booking, now=now) if _source else {}
