"""The pure slot engine: 60 days, three windows a day, 2,000 busy intervals (target < 5 ms median).

.venv/bin/python -m bench.slot_engine
"""

import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bench.common import measure, report
from coaching.practices.availability import Interval, SlotRules, WeeklyWindow, free_slots

NOW = datetime(2026, 3, 1, 6, tzinfo=UTC)  # the window spans the spring DST change
WEEKLY = [
    WeeklyWindow(day, start, end)
    for day in range(7)
    for start, end in ((time(7), time(11)), (time(12), time(16)), (time(17), time(21)))
]


def busy_intervals(count: int, seed: int = 7) -> list[Interval]:
    rng = random.Random(seed)
    intervals = []
    for _ in range(count):
        start = NOW + timedelta(minutes=15 * rng.randrange(60 * 24 * 4))
        intervals.append(Interval(start, start + timedelta(minutes=rng.choice((40, 60, 70, 100)))))
    return intervals


def main() -> None:
    busy = busy_intervals(2000)
    rules = SlotRules(
        duration=timedelta(minutes=50),
        buffer_before=timedelta(minutes=5),
        buffer_after=timedelta(minutes=10),
        step=timedelta(minutes=15),
        min_notice=timedelta(hours=12),
        horizon=timedelta(days=90),
    )
    window = Interval(NOW, NOW + timedelta(days=60))

    def run():
        return free_slots(
            weekly=WEEKLY,
            time_off=(),
            busy=busy,
            rules=rules,
            zone=ZoneInfo("Europe/Berlin"),
            now=NOW,
            window=window,
        )

    slots = run()
    figures = measure(run, repeat=200)
    report(
        "Slot engine: 60 days, 3 windows/day, 2,000 busy intervals, 15-minute step",
        {**figures, "slots": len(slots)},
        "median < 5 ms on one core",
    )


if __name__ == "__main__":
    main()
