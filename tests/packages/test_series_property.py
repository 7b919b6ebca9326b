"""The series check never offers an occurrence (or an alternative) that the slot engine would
refuse when asked about that one start: random weekly hours, time off and existing bookings,
in zones with a daylight-saving change inside the series."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from coaching.packages.series import series_plan, series_starts
from coaching.practices.availability import DateRange, Interval, SlotRules, WeeklyWindow, free_slots

ZONES = [ZoneInfo(n) for n in ("Europe/Berlin", "America/New_York", "Australia/Lord_Howe")]
# Weekly series from mid-March run across the EU and US spring changes (and Lord Howe's in April
# is the autumn one there); starting in October they cross the autumn changes.
FIRSTS = [datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 10, 5, tzinfo=UTC)]
MINUTES = timedelta(minutes=1)


@st.composite
def openings(draw):
    first = draw(st.integers(0, 94))
    last = draw(st.integers(first + 1, 95))
    return WeeklyWindow(
        draw(st.integers(0, 6)), time(first // 4, first % 4 * 15), time(last // 4, last % 4 * 15)
    )


@settings(max_examples=150, deadline=None)
@given(
    weekly=st.lists(openings(), min_size=1, max_size=6),
    zone=st.sampled_from(ZONES),
    base=st.sampled_from(FIRSTS),
    first_offset=st.integers(0, 6 * 24 * 4),  # quarter hours into the first week
    interval_weeks=st.sampled_from([1, 2]),
    count=st.integers(1, 12),
    busy_offsets=st.lists(
        st.tuples(st.integers(0, 24 * 7 * 24 * 4), st.integers(1, 12)), max_size=15
    ),
    off_days=st.lists(st.integers(0, 24 * 7), max_size=3),
    duration=st.sampled_from([30, 45, 60, 90]),
    step=st.sampled_from([15, 30, 60]),
    before=st.sampled_from([0, 15]),
    after=st.sampled_from([0, 10]),
)
def test_the_series_check_offers_only_what_the_slot_engine_accepts(
    weekly,
    zone,
    base,
    first_offset,
    interval_weeks,
    count,
    busy_offsets,
    off_days,
    duration,
    step,
    before,
    after,
):
    now = base - timedelta(days=1)
    rules = SlotRules(
        duration=duration * MINUTES,
        buffer_before=before * MINUTES,
        buffer_after=after * MINUTES,
        step=step * MINUTES,
        min_notice=timedelta(hours=2),
        horizon=timedelta(days=365),
    )
    busy = [
        Interval(base + o * 15 * MINUTES, base + (o + n) * 15 * MINUTES) for o, n in busy_offsets
    ]
    first_day = base.astimezone(zone).date()
    time_off = [
        DateRange(first_day + timedelta(days=d), first_day + timedelta(days=d)) for d in off_days
    ]
    first = base + first_offset * 15 * MINUTES
    starts = series_starts(first, interval_weeks=interval_weeks, count=count, zone=zone)

    def engine(window):
        return free_slots(
            weekly=weekly,
            time_off=time_off,
            busy=busy,
            rules=rules,
            zone=zone,
            now=now,
            window=window,
        )

    free = engine(Interval(starts[0] - timedelta(days=1), starts[-1] + timedelta(days=1)))
    plan = series_plan(starts, free, zone=zone)

    assert [o.start for o in plan] == starts
    for occurrence in plan:
        offered = [occurrence.start] if occurrence.free else list(occurrence.alternatives)
        for start in offered:
            assert engine(Interval(start, start + timedelta(microseconds=1))) == [start]
        if not occurrence.free:
            # A refused occurrence is one the engine refuses too.
            one = Interval(occurrence.start, occurrence.start + timedelta(microseconds=1))
            assert engine(one) == []
            wanted_day = occurrence.start.astimezone(zone).date()
            assert all(a.astimezone(zone).date() == wanted_day for a in occurrence.alternatives)


def test_a_weekly_series_keeps_the_wall_clock_time_across_the_change():
    berlin = ZoneInfo("Europe/Berlin")
    first = datetime(2026, 3, 24, 17, tzinfo=UTC)  # Tuesday 18:00 CET
    starts = series_starts(first, interval_weeks=1, count=2, zone=berlin)
    assert [s.astimezone(berlin).time() for s in starts] == [time(18), time(18)]
    assert starts[1] - starts[0] == timedelta(days=7, hours=-1)  # CEST from 29 March
    assert starts[1].astimezone(berlin).date() == date(2026, 3, 31)
