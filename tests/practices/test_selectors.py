"""Free slots read from the database: rules, time off and registered busy sources together."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from coaching.practices import busy as busy_module
from coaching.practices import selectors
from coaching.practices.availability import Interval
from coaching.practices.models import SessionType, TimeOff
from coaching.practices.selectors import (
    practice_ids_free_within,
    session_type_free_slots,
    session_type_slot_is_free,
)
from tests.factories import PracticeFactory, SessionTypeFactory
from tests.queries import pinned_queries

pytestmark = pytest.mark.django_db

MONDAY = datetime(2026, 6, 1, tzinfo=UTC)  # 02:00 CEST on Monday 1 June 2026


def make_session_type(slug: str, *, hours=((0, 9, 12),), duration=60):
    practice = PracticeFactory(slug=slug, hours=list(hours))
    return SessionTypeFactory(practice=practice, duration_minutes=duration)


@pytest.fixture
def busy_source(monkeypatch):
    """A registered busy source fed by the test, as bookings will feed the real one."""
    taken: dict[int, list[Interval]] = {}
    calls = []

    def source(*, practice_ids, start, end, ignore=()):
        calls.append((list(practice_ids), start, end))
        return {
            pid: [
                (i.start.timestamp(), i.end.timestamp())
                for i in taken.get(pid, [])
                if i not in ignore
            ]
            for pid in practice_ids
        }

    monkeypatch.setattr(busy_module, "_sources", [])
    busy_module.register_busy_source(source)
    busy_module.register_busy_source(source)  # registering twice must not count twice
    source.taken, source.calls = taken, calls
    return source


def test_free_slots_use_hours_time_off_and_busy_time(busy_source):
    session_type = make_session_type("anna", hours=((0, 9, 12), (1, 9, 10)))
    TimeOff.objects.create(
        practice=session_type.practice, first_day=date(2026, 6, 2), last_day=date(2026, 6, 2)
    )
    busy_source.taken[session_type.practice_id] = [
        Interval(MONDAY.replace(hour=8), MONDAY.replace(hour=9))  # 10:00-11:00 CEST
    ]
    session_type = SessionType.objects.select_related("practice").get(pk=session_type.pk)

    with pinned_queries(1):  # hours and time off together; the fake source asks nothing
        found = session_type_free_slots(
            session_type=session_type,
            start=MONDAY,
            end=MONDAY + timedelta(days=7),
            now=MONDAY,
        )

    assert found == [MONDAY.replace(hour=7), MONDAY.replace(hour=9)]  # 09:00 and 11:00 CEST
    # The source was asked about the time a slot's buffers could reach, not just the window.
    (ids, start, end) = busy_source.calls[0]
    assert ids == [session_type.practice_id]
    assert start <= MONDAY and end >= MONDAY + timedelta(days=7, hours=1)


def test_ignored_busy_time_does_not_block_its_own_slot(busy_source):
    session_type = make_session_type("ben")
    own = Interval(MONDAY.replace(hour=8), MONDAY.replace(hour=9))
    busy_source.taken[session_type.practice_id] = [own]

    assert not session_type_slot_is_free(session_type=session_type, start=own.start, now=MONDAY)
    assert session_type_slot_is_free(
        session_type=session_type, start=own.start, now=MONDAY, ignore=[own]
    )


def test_a_start_off_the_grid_or_outside_hours_is_not_free(busy_source):
    session_type = make_session_type("cara")

    assert session_type_slot_is_free(
        session_type=session_type, start=MONDAY.replace(hour=7), now=MONDAY
    )
    assert not session_type_slot_is_free(
        session_type=session_type, start=MONDAY.replace(hour=7, minute=10), now=MONDAY
    )
    assert not session_type_slot_is_free(
        session_type=session_type, start=MONDAY.replace(hour=11), now=MONDAY
    )


def test_practices_free_within_a_week(busy_source):
    open_monday = make_session_type("dora")
    fully_booked = make_session_type("emil")
    no_hours = make_session_type("fritz", hours=())
    inactive = make_session_type("greta")
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    # Emil's only opening this week, Monday 09:00-12:00 CEST, is taken; the next is a week later.
    busy_source.taken[fully_booked.practice_id] = [
        Interval(MONDAY.replace(hour=7), MONDAY.replace(hour=10))
    ]
    ids = [st.practice_id for st in (open_monday, fully_booked, no_hours, inactive)]

    with pinned_queries(2):  # session types with practices; hours and time off
        free = practice_ids_free_within(practice_ids=ids, within=timedelta(days=7), now=MONDAY)

    assert free == {open_monday.practice_id}


def test_hours_and_time_off_written_out_for_postgresql_match_the_orm_query():
    """PostgreSQL reads them with hand-written SQL (cheaper than compiling the ORM's UNION);
    other databases with the ORM's. Both must give the same rows."""
    one = PracticeFactory(slug="hanna", hours=[(0, 9, 12), (2, 14, 18)])
    two = PracticeFactory(slug="ida", hours=[(4, 8, 10)])
    PracticeFactory(slug="jan", hours=[(1, 9, 10)])  # not asked about
    TimeOff.objects.create(practice=one, first_day=date(2026, 6, 2), last_day=date(2026, 6, 3))
    TimeOff.objects.create(practice=two, first_day=date(2026, 5, 1), last_day=date(2026, 5, 2))
    TimeOff.objects.create(practice=two, first_day=date(2026, 6, 8), last_day=date(2026, 6, 8))
    ids, first, last = [one.pk, two.pk], date(2026, 5, 31), date(2026, 6, 8)

    written_out = selectors._hours_and_time_off_rows_sql(ids, first, last)
    through_orm = list(selectors._hours_and_time_off_rows_orm(ids, first, last))

    assert sorted(written_out, key=repr) == sorted(through_orm, key=repr)
    assert len(written_out) == 3 + 2  # three windows; the time off in May lies outside
    assert {type(value) for row in written_out for value in row[2:4] if value} == {time}
    assert {type(value) for row in written_out for value in row[4:] if value} == {date}
