"""The bookings busy source: what the slot engine is told is taken."""

from datetime import UTC, datetime, timedelta

import pytest

from coaching.bookings.models import BookingState
from coaching.bookings.selectors import booking_busy_intervals, booking_busy_seconds
from coaching.practices.availability import Interval
from tests.factories import BookingFactory, PracticeFactory, SessionTypeFactory
from tests.queries import pinned_queries

pytestmark = pytest.mark.django_db

DAY = datetime(2026, 6, 2, tzinfo=UTC)


def at(hour: float) -> datetime:
    return DAY + timedelta(hours=hour)


def book(session_type, start, end, *, state=BookingState.CONFIRMED, hold_expires_at=None):
    return BookingFactory(
        session_type=session_type,
        state=state,
        hold_expires_at=hold_expires_at,
        start=start,
        end=end,
    )


@pytest.fixture
def session_type():
    return SessionTypeFactory(practice=PracticeFactory(slug="anna"))


def busy(practice, **kwargs):
    return booking_busy_intervals(
        practice_ids=[practice.pk], start=at(0), end=at(24), **kwargs
    ).get(practice.pk, [])


def test_touching_and_overlapping_time_comes_back_merged_and_sorted(session_type):
    book(session_type, at(14), at(15))
    book(session_type, at(9), at(10))
    book(session_type, at(10), at(11))  # touches the one before: one busy stretch

    assert busy(session_type.practice) == [Interval(at(9), at(11)), Interval(at(14), at(15))]


def test_only_time_holding_bookings_inside_the_window_count(session_type):
    now = datetime.now(UTC)
    book(session_type, at(8), at(9), state=BookingState.CANCELLED)
    book(session_type, at(9), at(10), state=BookingState.HELD, hold_expires_at=now - timedelta(1))
    book(session_type, at(10), at(11), state=BookingState.HELD, hold_expires_at=now + timedelta(1))
    book(session_type, at(-2), at(-1))  # the day before: history, outside the window
    book(session_type, at(23.5), at(24.5))  # reaches into the window

    assert busy(session_type.practice) == [
        Interval(at(10), at(11)),
        Interval(at(23.5), at(24.5)),
    ]


def test_ignored_booking_is_left_out_before_merging(session_type):
    """A booking being moved must not block its own slot, even when it touches its neighbours
    (merged, it could no longer be told apart)."""
    book(session_type, at(9), at(10))
    book(session_type, at(10), at(11))
    book(session_type, at(11), at(12))

    assert busy(session_type.practice, ignore=[Interval(at(10), at(11))]) == [
        Interval(at(9), at(10)),
        Interval(at(11), at(12)),
    ]


def test_several_practices_in_one_query(session_type):
    other = SessionTypeFactory(practice=PracticeFactory(slug="bert"))
    book(session_type, at(9), at(10))
    book(other, at(9), at(10))
    book(other, at(10), at(12))

    with pinned_queries(1):
        found = booking_busy_intervals(
            practice_ids=[session_type.practice_id, other.practice_id], start=at(0), end=at(24)
        )

    assert found[session_type.practice_id] == [Interval(at(9), at(10))]
    assert found[other.practice_id] == [Interval(at(9), at(12))]


def test_microseconds_survive_the_trip(session_type):
    start = at(9) + timedelta(microseconds=123457)
    book(session_type, start, start + timedelta(minutes=50))

    assert busy(session_type.practice) == [Interval(start, start + timedelta(minutes=50))]


def test_a_free_coach_has_no_busy_time(session_type):
    book(session_type, at(30), at(31))  # the next day only

    assert busy(session_type.practice) == []


def test_busy_in_seconds_is_the_same_time(session_type):
    """The slot engine's own unit (booking_busy_seconds) says what booking_busy_intervals says,
    for one practice and several, with a booking left out."""
    other = SessionTypeFactory(practice=PracticeFactory(slug="carla"))
    start = at(9) + timedelta(microseconds=250_000)
    book(session_type, start, at(10))
    book(session_type, at(10), at(11))
    book(session_type, at(13), at(14))
    book(other, at(9), at(12))
    ids = [session_type.practice_id, other.practice_id]

    for practice_ids in (ids[:1], ids):
        for ignore in ((), [Interval(at(13), at(14))]):
            kwargs = {"practice_ids": practice_ids, "start": at(0), "end": at(24), "ignore": ignore}
            in_seconds = booking_busy_seconds(**kwargs)  # type: ignore[arg-type]
            as_intervals = booking_busy_intervals(**kwargs)  # type: ignore[arg-type]
            for practice_id in practice_ids:
                assert list(in_seconds[practice_id]) == [
                    (i.start.timestamp(), i.end.timestamp()) for i in as_intervals[practice_id]
                ]
    assert booking_busy_seconds(practice_ids=ids[:1], start=at(0), end=at(24))[ids[0]] == [
        (start.timestamp(), at(11).timestamp()),
        (at(13).timestamp(), at(14).timestamp()),
    ]


def test_busy_seconds_of_every_source(session_type, monkeypatch):
    """practice_busy_seconds adds every registered source's time to the bookings' own."""
    from coaching.practices import busy as busy_module

    def calendar(*, practice_ids, start, end, ignore=()):
        return {pid: [(at(15).timestamp(), at(16).timestamp())] for pid in practice_ids}

    monkeypatch.setattr(busy_module, "_sources", list(busy_module._sources))
    busy_module.register_busy_source(calendar)
    book(session_type, at(9), at(10))

    found = busy_module.practice_busy_seconds(
        practice_ids=[session_type.practice_id], start=at(0), end=at(24)
    )

    assert sorted(found[session_type.practice_id]) == [
        (at(9).timestamp(), at(10).timestamp()),
        (at(15).timestamp(), at(16).timestamp()),
    ]
