"""The coach's calendar (coaching/bookings/views_coach.py): week and day views with sessions
(past and cancelled too), hour blocks and busy times (calendars' layer), working hours, time
off, only the coach's own practice, and the pure layout (calendar_grid.py)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from coaching.bookings.calendar_grid import Thing, lay_out
from coaching.bookings.models import BookingState
from coaching.calendars.models import BusyInterval, CalendarConnection, HourBlock, RemoteCalendar
from coaching.practices.availability import Interval
from coaching.practices.models import TimeOff
from tests.bookings.fixtures import TUESDAY_10
from tests.factories import BookingFactory, PracticeFactory, SessionTypeFactory
from tests.queries import pinned_queries

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
WEEK = "2026-06-03"  # Monday 1 June to Sunday 7 June 2026


def berlin(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 6, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


def busy_time(practice, start, end, *, calendar_name="Arbeit"):
    connection = CalendarConnection.objects.create(
        practice=practice, provider="caldav", account_name="dav", password="pw"
    )
    calendar = RemoteCalendar.objects.create(
        connection=connection, remote_id=f"r-{practice.pk}", name=calendar_name
    )
    return BusyInterval.objects.create(
        calendar=calendar, practice=practice, source="s", start=start, end=end
    )


@pytest.fixture
def week(booking, practice, session_type):
    """Around the paid Tuesday 10:00 session (it is Monday 10:00): a session completed this
    morning, a cancelled one on Wednesday, an hour block on Thursday, busy time from the coach's
    own calendar on Tuesday afternoon, and Friday off."""
    past = BookingFactory(
        session_type=session_type,
        start=berlin(1, 8),
        end=berlin(1, 9),
        state=BookingState.COMPLETED,
        client__display_name="Paula Vergangen",
    )
    cancelled = BookingFactory(
        session_type=session_type,
        start=berlin(3, 11),
        end=berlin(3, 12),
        state=BookingState.CANCELLED,
        client__display_name="Carla Storniert",
    )
    block = HourBlock.objects.create(practice=practice, start=berlin(4, 14), end=berlin(4, 16))
    busy_time(practice, berlin(2, 15), berlin(2, 16, 30))
    TimeOff.objects.create(
        practice=practice, first_day=date(2026, 6, 5), last_day=date(2026, 6, 5), note="Urlaub"
    )
    return {"past": past, "cancelled": cancelled, "block": block}


def columns(response) -> dict:
    return {column.day: column for column in response.context["grid"].days}


def test_the_week_shows_sessions_past_and_cancelled_blocks_busy_time_and_time_off(
    client, practice, booking, week, frozen
):
    client.force_login(practice.owner)
    response = client.get(reverse("bookings:coach"), {"week": WEEK})
    assert response.status_code == 200
    days = columns(response)
    assert len(days) == 7

    def items(day):
        return {(i.thing.kind, i.thing.title): i for i in days[date(2026, 6, day)].items}

    monday, tuesday = items(1), items(2)
    assert "is-past" in monday[("booking", "Paula Vergangen")].thing.classes
    confirmed = tuesday[("booking", "Jonas Client")]
    assert "is-past" not in confirmed.thing.classes
    # The whole name and session, in the tooltip: nothing cut to "Kennenlernges…".
    assert confirmed.full_text == "10:00–11:00 · Jonas Client · Coaching"
    assert ("busy", "Busy (Arbeit)") in tuesday or ("busy", "Belegt (Arbeit)") in tuesday
    cancelled = items(3)[("booking", "Carla Storniert")]
    assert "is-cancelled" in cancelled.thing.classes and not cancelled.thing.takes_time
    block = next(iter(items(4).values()))
    assert block.thing.kind == "block"
    assert block.thing.remove_url == reverse("calendars:block_remove", args=[week["block"].pk])
    assert days[date(2026, 6, 5)].off == "Urlaub" and not days[date(2026, 6, 5)].free

    page = response.content.decode()
    for shown in ("Paula Vergangen", "Carla Storniert", "Urlaub", 'title="10:00–11:00 · Jonas'):
        assert shown in page
    for css in ("is-past", "is-cancelled", "is-block", "is-busy", "is-off", "cal-open"):
        assert css in page

    # Working hours: Tuesday's free hours are those no session, block or busy time takes.
    free = [hour.start.hour for hour in days[TUESDAY_10.date()].free]
    assert free == [9, 11, 12, 13, 14]
    # Wednesday's cancelled session leaves its hour free (and offered for blocking).
    wednesday = {hour.start.hour: hour for hour in days[date(2026, 6, 3)].free}
    assert 11 in wednesday and wednesday[11].url.startswith(reverse("calendars:block_add"))


def test_the_day_view_shows_one_day(client, practice, booking, week, frozen):
    client.force_login(practice.owner)
    response = client.get(reverse("bookings:coach"), {"view": "day", "day": "2026-06-03"})
    days = columns(response)
    assert list(days) == [date(2026, 6, 3)]
    assert [i.thing.title for i in days[date(2026, 6, 3)].items] == ["Carla Storniert"]
    assert 'class="cal cal-day"' in response.content.decode()
    # Back and forth by a day; the strip offers each day of the week.
    assert response.context["next_url"] == "?view=day&day=2026-06-04"
    assert response.context["previous_url"] == "?view=day&day=2026-06-02"
    assert [day.day for day, _url, _current in response.context["strip"]] == list(range(1, 8))


def test_the_calendar_costs_a_fixed_number_of_queries(client, practice, booking, week, frozen):
    client.force_login(practice.owner)
    url = reverse("bookings:coach") + f"?week={WEEK}"
    client.get(url)
    # The practice with its feed, the sessions, calendars' blocks and busy times, the time off,
    # the weekly hours, the upcoming list, the calendar notice (session and user in Redis).
    with pinned_queries(7):
        assert client.get(url).status_code == 200
    for n in range(5):  # more of everything costs nothing more
        BookingFactory(
            session_type=practice.session_types.get(), start=berlin(4, 9 + n), end=berlin(4, 10 + n)
        )
        HourBlock.objects.create(practice=practice, start=berlin(6, 9 + n), end=berlin(6, 10 + n))
    with pinned_queries(7):
        assert client.get(url).status_code == 200


def test_another_coachs_sessions_blocks_and_busy_times_never_show(
    client, practice, booking, week, frozen
):
    other = PracticeFactory(slug="bert")
    other_type = SessionTypeFactory(practice=other, name="Fremdsitzung")
    theirs = BookingFactory(
        session_type=other_type,
        start=berlin(2, 12),
        end=berlin(2, 13),
        client__display_name="Otto Fremd",
    )
    their_block = HourBlock.objects.create(practice=other, start=berlin(2, 9), end=berlin(2, 10))
    busy_time(other, berlin(3, 9), berlin(3, 10), calendar_name="Geheim")
    TimeOff.objects.create(
        practice=other, first_day=date(2026, 6, 2), last_day=date(2026, 6, 2), note="Fremdurlaub"
    )

    client.force_login(practice.owner)
    for params in ({"week": WEEK}, {"view": "day", "day": "2026-06-02"}):
        page = client.get(reverse("bookings:coach"), params).content.decode()
        for secret in ("Otto Fremd", "Fremdsitzung", "Geheim", "Fremdurlaub", theirs.reference):
            assert secret not in page
        assert reverse("calendars:block_remove", args=[their_block.pk]) not in page
    # Nor can a block of theirs be removed from here.
    assert client.post(reverse("calendars:block_remove", args=[their_block.pk])).status_code == 404

    client.force_login(other.owner)
    page = client.get(reverse("bookings:coach"), {"week": WEEK}).content.decode()
    assert "Otto Fremd" in page and "Jonas Client" not in page and "Urlaub" not in page


def test_the_feed_address_has_a_copy_button_that_works_without_javascript_too(
    client, practice, frozen
):
    client.force_login(practice.owner)
    client.post(reverse("bookings:feed_regenerate"))
    page = client.get(reverse("bookings:coach")).content.decode()
    # A read-only input to select by hand, and a button the script shows and wires up.
    assert 'id="feed-url" type="text" readonly' in page
    assert 'data-copy="feed-url"' in page and "js/copy-field" in page
    for app in ("Google", "Apple", "Outlook"):
        assert f"<summary>{app}" in page


def test_nonsense_in_the_address_is_today_not_an_error(client, practice):
    client.force_login(practice.owner)
    for params in ({"week": "99999-1-1"}, {"day": "x", "view": "month"}, {"week": "0001-01-01"}):
        response = client.get(reverse("bookings:coach"), params)
        assert response.status_code == 200
        assert response.context["view"] == "auto"


# --- The layout, without the database ---------------------------------------------------------


def test_overlapping_entries_sit_side_by_side_and_a_lone_one_takes_the_width():
    day = date(2026, 6, 2)
    at = lambda h, m=0: datetime.combine(day, time(h, m), tzinfo=BERLIN)  # noqa: E731
    grid = lay_out(
        days=[day],
        focus=day,
        zone=BERLIN,
        now=at(6),
        things=[
            Thing(at(10), at(11), "booking", "A"),
            Thing(at(10, 30), at(12), "busy", "B"),
            Thing(at(14), at(15), "booking", "C"),
        ],
        openings=[Interval(at(9), at(17))],
        days_off=[],
        block_url=lambda start, end: f"/block/{start:%H}",
    )
    column = grid.days[0]
    placed = {item.thing.title: item for item in column.items}
    assert column.lanes == 2
    assert (placed["A"].lane, placed["B"].lane) == (1, 2)
    assert (placed["C"].lane, placed["C"].width) == (1, 2)
    # Rows are quarter hours from the grid's first hour (08:00).
    assert grid.first_hour == 8 and (placed["A"].row, placed["A"].span) == (9, 4)
    free = [hour.url for hour in column.free]
    assert free == ["/block/09", "/block/12", "/block/13", "/block/15", "/block/16"]


def test_a_session_over_midnight_shows_on_both_days_and_widens_the_hours():
    monday, tuesday = date(2026, 6, 1), date(2026, 6, 2)
    start = datetime.combine(monday, time(23), tzinfo=BERLIN)
    grid = lay_out(
        days=[monday, tuesday],
        focus=monday,
        zone=BERLIN,
        now=start - timedelta(days=3),
        things=[Thing(start, start + timedelta(hours=2), "booking", "Nachteule")],
        openings=[],
        days_off=[],
        block_url=None,
    )
    assert (grid.first_hour, grid.last_hour) == (0, 24)
    first, second = (column.items[0] for column in grid.days)
    assert (first.row, first.span) == (93, 4)  # 23:00 until midnight
    assert (second.row, second.span) == (1, 4)  # midnight until 01:00
    assert first.full_text == second.full_text == "23:00–01:00 · Nachteule"
