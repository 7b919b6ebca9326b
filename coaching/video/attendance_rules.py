"""The attendance rules: who counts as there, and what that means for the money. The one place
they are written; the services apply them, and templates/video/partials/attendance_rules.html
shows them to both sides before booking and on the join page (numbers from here).

Pure: no ORM, no clock (times are passed in), so the rules are plain to test and to read.

- Both there: the session counts as held (completed), the price stands.
- The coach never came into the room: the client gets the whole price back automatically and
  the coach is told. This wins over everything else (also when the client did not come either:
  the coach did not deliver).
- The coach came, the client did not come within CLIENT_WAIT_MINUTES of the start: the coach
  may mark a no-show from then on (the scan does it at the end), and the practice's own rule
  applies: no refund (0 %) or a partial one (its no-show refund percentage).
- The coach may correct completed ↔ no-show within CORRECTION_HOURS of the decision, with a
  reason. A refund once paid is never taken back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

CLIENT_WAIT_MINUTES = 15
CORRECTION_HOURS = 24

COMPLETED = "completed"
CLIENT_ABSENT = "client_absent"
COACH_ABSENT = "coach_absent"


@dataclass(frozen=True)
class Presence:
    """When each side first connected to the room during the session (None: never)."""

    client_joined_at: datetime | None
    coach_joined_at: datetime | None


def outcome(presence: Presence) -> str:
    """The verdict after the session's end."""
    if presence.coach_joined_at is None:
        return COACH_ABSENT
    if presence.client_joined_at is None:
        return CLIENT_ABSENT
    return COMPLETED


def may_mark_no_show(*, start: datetime, now: datetime, end: datetime, presence: Presence) -> bool:
    """The coach may mark a no-show once the client has not come within the waiting time and the
    coach is (or was) there."""
    return (
        presence.client_joined_at is None
        and presence.coach_joined_at is not None
        and start + timedelta(minutes=CLIENT_WAIT_MINUTES) <= now
        and now < end + timedelta(hours=CORRECTION_HOURS)
    )


def no_show_refund(*, paid: Decimal, percent: int) -> Decimal:
    """What the client gets back for a no-show under the practice's rule (0–100 % of the price),
    to the cent."""
    if not 0 <= percent <= 100:
        raise ValueError("percent must be 0–100")
    return (paid * percent / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def correction_open(*, decided_at: datetime, now: datetime) -> bool:
    return now < decided_at + timedelta(hours=CORRECTION_HOURS)
