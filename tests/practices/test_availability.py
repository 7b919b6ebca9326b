"""The pure slot engine: rules, busy time, daylight-saving changes, zones, properties."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coaching.practices.availability import (
    DateRange,
    Interval,
    SlotRules,
    WeeklyWindow,
    free_slots,
)

BERLIN = ZoneInfo("Europe/Berlin")
MINUTES = timedelta(minutes=1)
EVERY_DAY_9_TO_12 = [WeeklyWindow(day, time(9), time(12)) for day in range(7)]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def slots(weekly=EVERY_DAY_9_TO_12, *, time_off=(), busy=(), zone=BERLIN, now, window, **rules):
    rules = SlotRules(**{"duration": timedelta(minutes=60), "min_notice": timedelta(0), **rules})
    return free_slots(
        weekly=weekly,
        time_off=time_off,
        busy=busy,
        rules=rules,
        zone=zone,
        now=now,
        window=window,
    )


def local(dt: datetime, zone=BERLIN) -> str:
    return dt.astimezone(zone).strftime("%H:%M %Z")


def test_slots_fill_the_opening_hours_on_the_step_grid():
    found = slots(now=utc(2026, 6, 1), window=Interval(utc(2026, 6, 1), utc(2026, 6, 2)))

    # 09:00-12:00 CEST with 60-minute sessions every 30 minutes; the last one ends at 12:00.
    assert [local(s) for s in found] == [
        "09:00 CEST",
        "09:30 CEST",
        "10:00 CEST",
        "10:30 CEST",
        "11:00 CEST",
    ]
    assert all(s.tzinfo is UTC for s in found)


def test_spring_forward_offers_no_slot_in_the_skipped_hour():
    weekly = [WeeklyWindow(6, time(1), time(5))]  # Sunday 29 March 2026: 02:00 becomes 03:00
    found = slots(weekly, now=utc(2026, 3, 28), window=Interval(utc(2026, 3, 28), utc(2026, 3, 30)))

    # The opening lasts three real hours, so five one-hour sessions fit on the half-hour grid.
    assert [local(s) for s in found] == [
        "01:00 CET",
        "01:30 CET",
        "03:00 CEST",
        "03:30 CEST",
        "04:00 CEST",
    ]
    assert found[-1] + timedelta(hours=1) == utc(2026, 3, 29, 3)  # 05:00 CEST, the closing time


def test_fall_back_offers_both_instants_of_the_repeated_hour_once_each():
    weekly = [WeeklyWindow(6, time(1), time(4))]  # Sunday 25 October 2026: 03:00 becomes 02:00
    found = slots(
        weekly,
        now=utc(2026, 10, 24),
        window=Interval(utc(2026, 10, 24), utc(2026, 10, 26)),
        step=timedelta(hours=1),
    )

    assert [local(s) for s in found] == ["01:00 CEST", "02:00 CEST", "02:00 CET", "03:00 CET"]
    assert len(set(found)) == 4


def test_an_opening_that_starts_in_the_skipped_hour_starts_when_the_clock_jumps():
    weekly = [WeeklyWindow(6, time(2, 30), time(5))]
    found = slots(weekly, now=utc(2026, 3, 28), window=Interval(utc(2026, 3, 28), utc(2026, 3, 30)))

    assert [local(s) for s in found] == ["03:30 CEST", "04:00 CEST"]


def test_wall_clock_hours_follow_the_practice_zone_across_its_change():
    weekly = [WeeklyWindow(day, time(9), time(10)) for day in range(7)]
    found = slots(weekly, now=utc(2026, 3, 27), window=Interval(utc(2026, 3, 27), utc(2026, 3, 31)))

    # 09:00 in Berlin is 08:00 UTC before the change and 07:00 UTC after it.
    assert found == [
        utc(2026, 3, 27, 8),
        utc(2026, 3, 28, 8),
        utc(2026, 3, 29, 7),
        utc(2026, 3, 30, 7),
    ]


def test_a_new_york_coach_during_the_weeks_the_us_and_europe_change_apart():
    weekly = [WeeklyWindow(day, time(9), time(10)) for day in range(7)]
    found = slots(
        weekly,
        zone=ZoneInfo("America/New_York"),
        now=utc(2026, 3, 7),
        window=Interval(utc(2026, 3, 7), utc(2026, 3, 10)),
    )

    # The US changes on 8 March 2026; Berlin viewers see the session an hour earlier afterwards.
    assert found == [utc(2026, 3, 7, 14), utc(2026, 3, 8, 13), utc(2026, 3, 9, 13)]
    assert [local(s) for s in found] == ["15:00 CET", "14:00 CET", "14:00 CET"]


def test_a_window_that_crosses_midnight_in_the_viewers_zone():
    # A Tokyo client asks for "their" 26 June (JST = UTC+9): 25 June 15:00 UTC to 26 June 15:00.
    tokyo = ZoneInfo("Asia/Tokyo")
    window = Interval(
        datetime(2026, 6, 26, tzinfo=tokyo).astimezone(UTC),
        datetime(2026, 6, 27, tzinfo=tokyo).astimezone(UTC),
    )
    found = slots(now=utc(2026, 6, 1), window=window, step=timedelta(hours=1))

    # Berlin's 09:00-11:00 of 26 June are 16:00-18:00 in Tokyo, inside the window; Berlin's
    # 25 June hours are 16:00-18:00 JST on the 25th, outside it.
    assert [local(s, tokyo) for s in found] == ["16:00 JST", "17:00 JST", "18:00 JST"]
    assert all(s.astimezone(tokyo).date() == date(2026, 6, 26) for s in found)


def test_busy_time_and_buffers_block_slots():
    weekly = [WeeklyWindow(0, time(9), time(13))]
    booked = Interval(utc(2026, 6, 1, 8) - 15 * MINUTES, utc(2026, 6, 1, 9) + 15 * MINUTES)
    found = slots(
        weekly,
        busy=[booked],
        now=utc(2026, 6, 1),
        window=Interval(utc(2026, 6, 1), utc(2026, 6, 2)),
        buffer_before=timedelta(minutes=15),
        buffer_after=timedelta(minutes=15),
    )

    # The booking is 10:00-11:00 CEST and blocks 09:45-11:15. A 09:00 session with its buffer
    # after would reach 10:15; 11:30 is the first start whose buffer before ends at 11:15.
    assert [local(s) for s in found] == ["11:30 CEST", "12:00 CEST"]


def test_touching_busy_time_does_not_block():
    booked = Interval(utc(2026, 6, 1, 8), utc(2026, 6, 1, 9))  # 10:00-11:00 CEST, no buffers
    found = slots(
        busy=[booked], now=utc(2026, 6, 1), window=Interval(utc(2026, 6, 1), utc(2026, 6, 2))
    )

    assert [local(s) for s in found] == ["09:00 CEST", "11:00 CEST"]


def test_a_session_longer_than_the_gap_between_bookings_finds_no_slot_in_it():
    busy = [
        Interval(utc(2026, 6, 1, 7), utc(2026, 6, 1, 7, 30)),  # 09:00-09:30 CEST
        Interval(utc(2026, 6, 1, 8, 30), utc(2026, 6, 1, 10)),  # 10:30-12:00 CEST
    ]
    window = Interval(utc(2026, 6, 1), utc(2026, 6, 2))

    assert (
        slots(busy=busy, now=utc(2026, 6, 1), window=window, duration=timedelta(minutes=90)) == []
    )
    assert [local(s) for s in slots(busy=busy, now=utc(2026, 6, 1), window=window)] == [
        "09:30 CEST"
    ]


def test_minimum_notice_and_horizon():
    now = utc(2026, 6, 1, 7, 10)  # 09:10 CEST
    found = slots(
        now=now,
        window=Interval(utc(2026, 6, 1), utc(2026, 6, 10)),
        min_notice=timedelta(hours=1),
        horizon=timedelta(days=2),
    )

    assert found[0] == utc(2026, 6, 1, 8, 30)  # 10:30 CEST: first grid point after 10:10
    assert found[-1] < now + timedelta(days=2)
    assert {s.astimezone(BERLIN).date() for s in found} == {
        date(2026, 6, 1),
        date(2026, 6, 2),
        date(2026, 6, 3),
    }


def test_time_off_removes_whole_local_days():
    found = slots(
        time_off=[DateRange(date(2026, 6, 2), date(2026, 6, 3))],
        now=utc(2026, 6, 1),
        window=Interval(utc(2026, 6, 1), utc(2026, 6, 5)),
    )

    assert {s.astimezone(BERLIN).date() for s in found} == {date(2026, 6, 1), date(2026, 6, 4)}


def test_limit_returns_the_earliest_slots():
    window = Interval(utc(2026, 6, 1), utc(2026, 7, 1))
    everything = slots(now=utc(2026, 6, 1), window=window)

    limited = free_slots(
        weekly=EVERY_DAY_9_TO_12,
        time_off=(),
        busy=(),
        rules=SlotRules(duration=timedelta(hours=1), min_notice=timedelta(0)),
        zone=BERLIN,
        now=utc(2026, 6, 1),
        window=window,
        limit=3,
    )
    assert limited == everything[:3]


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        slots(now=datetime(2026, 6, 1), window=Interval(utc(2026, 6, 1), utc(2026, 6, 2)))


# -- Properties -------------------------------------------------------------------------------

ZONES = [
    ZoneInfo(name)
    for name in ("Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Lord_Howe", "UTC")
]
BASE = utc(2026, 3, 20)  # spans the EU and US spring changes and Lord Howe's half-hour change


@st.composite
def openings(draw):
    first = draw(st.integers(0, 94))  # quarter hours of the day
    last = draw(st.integers(first + 1, 95))
    return WeeklyWindow(
        draw(st.integers(0, 6)), time(first // 4, first % 4 * 15), time(last // 4, last % 4 * 15)
    )


@st.composite
def busy_intervals(draw):
    start = BASE + draw(st.integers(0, 20 * 24 * 4)) * 15 * MINUTES
    return Interval(start, start + draw(st.integers(1, 16)) * 15 * MINUTES)


@settings(max_examples=300, deadline=None)
@given(
    weekly=st.lists(openings(), max_size=6),
    busy=st.lists(busy_intervals(), max_size=12),
    zone=st.sampled_from(ZONES),
    duration=st.sampled_from([15, 30, 45, 60, 90, 120, 240]),
    step=st.sampled_from([10, 15, 30, 45, 60]),
    before=st.sampled_from([0, 5, 15, 30]),
    after=st.sampled_from([0, 10, 30]),
    now_offset=st.integers(0, 5 * 24 * 60),
    days=st.integers(1, 14),
    off=st.lists(st.integers(0, 20), max_size=3),
)
def test_every_slot_obeys_every_rule(
    weekly, busy, zone, duration, step, before, after, now_offset, days, off
):
    rules = SlotRules(
        duration=duration * MINUTES,
        buffer_before=before * MINUTES,
        buffer_after=after * MINUTES,
        step=step * MINUTES,
        min_notice=timedelta(hours=6),
        horizon=timedelta(days=10),
    )
    now = BASE + now_offset * MINUTES
    window = Interval(BASE + timedelta(days=1), BASE + timedelta(days=1 + days))
    time_off = [
        DateRange(BASE.date() + timedelta(days=d), BASE.date() + timedelta(days=d)) for d in off
    ]

    found = free_slots(
        weekly=weekly,
        time_off=time_off,
        busy=busy,
        rules=rules,
        zone=zone,
        now=now,
        window=window,
    )

    assert found == sorted(set(found))
    for start in found:
        assert start.utcoffset() == timedelta(0)
        assert window.start <= start < window.end
        assert now + rules.min_notice <= start < now + rules.horizon
        blocked = rules.blocked(start)
        assert not any(b.start < blocked.end and blocked.start < b.end for b in busy)
        # The session lies inside one opening of its local day, measured in real time.
        day = start.astimezone(zone).date()
        assert not any(o.first_day <= day <= o.last_day for o in time_off)
        assert any(
            o.weekday == day.weekday()
            and datetime.combine(day, o.start, tzinfo=zone) <= start
            and start + rules.duration <= datetime.combine(day, o.end, tzinfo=zone)
            for o in weekly
        )


@settings(max_examples=150, deadline=None)
@given(
    weekly=st.lists(openings(), min_size=1, max_size=4),
    busy=st.lists(busy_intervals(), max_size=8),
    zone=st.sampled_from(ZONES),
)
def test_a_slot_is_free_until_something_overlaps_it(weekly, busy, zone):
    """Adding busy time only ever removes slots, and removes exactly those it overlaps."""
    rules = SlotRules(
        duration=timedelta(minutes=60), min_notice=timedelta(0), step=timedelta(minutes=30)
    )
    window = Interval(BASE, BASE + timedelta(days=10))
    kwargs = {
        "weekly": weekly,
        "time_off": (),
        "rules": rules,
        "zone": zone,
        "now": BASE,
        "window": window,
    }

    before = free_slots(busy=(), **kwargs)
    after = free_slots(busy=busy, **kwargs)

    expected = [
        s
        for s in before
        if not any(b.start < rules.blocked(s).end and rules.blocked(s).start < b.end for b in busy)
    ]
    assert after == expected


def test_overlapping_windows_give_each_start_once():
    weekly = [WeeklyWindow(0, time(9), time(11)), WeeklyWindow(0, time(10), time(12))]
    found = slots(weekly, now=utc(2026, 6, 1), window=Interval(utc(2026, 6, 1), utc(2026, 6, 2)))

    # 10:00 and 10:30 fit both windows but are offered once; 10:30 to 11:30 straddles the first
    # window's end yet lies inside the second.
    assert [local(s) for s in found] == [
        "09:00 CEST",
        "09:30 CEST",
        "10:00 CEST",
        "10:30 CEST",
        "11:00 CEST",
    ]
