"""Directory, practice page and slots.json as visitors use them."""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from coaching.practices import busy as busy_module
from coaching.practices.availability import Interval
from coaching.practices.directory import directory_changed
from coaching.practices.models import Language, Specialty
from coaching.practices.services import practice_publish, practice_update
from tests.factories import BookingFactory, PracticeFactory, SessionTypeFactory, UserFactory
from tests.queries import pinned_queries

pytestmark = pytest.mark.django_db

# Monday 1 June 2026, 06:00 in Berlin.
NOW = datetime(2026, 6, 1, 4, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def no_busy_sources(monkeypatch):
    monkeypatch.setattr(busy_module, "_sources", [])


def published(*, price="80", **kwargs):
    practice = PracticeFactory(**kwargs)
    SessionTypeFactory(practice=practice, price=Decimal(price))
    practice_publish(practice=practice, actor=practice.owner)
    practice_update(practice=practice, actor=practice.owner, fields={})  # search document
    return practice


def seconds(interval: Interval) -> tuple[float, float]:
    """A busy source's unit (coaching/practices/busy.py)."""
    return interval.start.timestamp(), interval.end.timestamp()


def names(response):
    return [p.name for p in response.context["page"].object_list]


def test_directory_lists_only_published_bookable_practices(client):
    shown = published(name="Sichtbar")
    PracticeFactory(name="Entwurf")  # never published
    hidden = published(name="Pausiert")
    hidden.session_types.update(is_active=False)

    response = client.get(reverse("practices:directory"))

    assert response.status_code == 200
    assert names(response) == [shown.name]


def test_directory_search_uses_german_stemming(client):
    published(name="Praxis Ruhe", bio="Hilfe bei Ängsten und Beziehungskrisen.")
    published(name="Praxis Karriere", bio="Bewerbung und Gehalt.")

    response = client.get(reverse("practices:directory"), {"q": "Angst"})

    assert names(response) == ["Praxis Ruhe"]


def test_directory_filters_combine(client):
    career = Specialty.objects.get(slug="career")
    french = Language.objects.get(code="fr")
    match = published(name="Passt", price="60")
    match.specialties.add(career)
    match.languages.add(french)
    too_expensive = published(name="Zu teuer", price="200")
    too_expensive.specialties.add(career)
    too_expensive.languages.add(french)
    published(name="Anderes Thema", price="50").languages.add(french)

    response = client.get(
        reverse("practices:directory"),
        {"specialty": "career", "language": "fr", "max_price": "100"},
    )

    assert names(response) == ["Passt"]


def test_directory_free_within_seven_days(client, monkeypatch):
    open_practice = published(name="Hat Zeit")
    booked = published(name="Ausgebucht")

    def source(*, practice_ids, start, end, ignore=()):
        return {booked.pk: [seconds(Interval(start - timedelta(days=1), end + timedelta(days=1)))]}

    busy_module.register_busy_source(source)

    response = client.get(reverse("practices:directory"), {"free7": "on"})

    assert names(response) == [open_practice.name]


def test_directory_sorts_by_price(client):
    published(name="Mittel", price="90")
    published(name="Günstig", price="40")
    published(name="Teuer", price="150")

    cheap_first = client.get(reverse("practices:directory"), {"sort": "price"})
    dear_first = client.get(reverse("practices:directory"), {"sort": "-price"})

    assert names(cheap_first) == ["Günstig", "Mittel", "Teuer"]
    assert names(dear_first) == ["Teuer", "Mittel", "Günstig"]


@pytest.mark.parametrize(
    "query",
    [{"max_price": "-3"}, {"max_price": "lots"}, {"specialty": "astrology"}, {"q": "x" * 500}],
)
def test_directory_bad_filters_are_a_400_with_the_reason(client, query):
    published()
    response = client.get(reverse("practices:directory"), query)
    assert response.status_code == 400
    assert response.context["form"].errors


def queries_for(client, url: str, *, exactly: int | None = None, at_most: int | None = None) -> int:
    with pinned_queries(exactly, at_most=at_most) as counted:
        assert client.get(url).status_code == 200
    return len(counted)


def test_directory_costs_the_same_queries_for_3_or_30_practices(client):
    from coaching.practices.tasks import refresh_booked_out

    url = reverse("practices:directory")
    for _ in range(3):
        published()
    queries_for(client, url)  # warm the process-wide caches (e.g. the cookie-policy version)
    refresh_booked_out.apply()  # the cards' next free times, as beat keeps them every minute
    directory_changed()  # measure a rendered listing, not a cached one
    few = queries_for(client, url, at_most=7)
    for _ in range(27):
        published()
    refresh_booked_out.apply()

    queries_for(client, url, exactly=few)


def test_a_repeated_directory_query_is_served_from_the_cache(client):
    published(name="Erste")
    url = reverse("practices:directory")
    assert names(client.get(url)) == ["Erste"]

    queries_for(client, url, exactly=0)  # anonymous: no session, the listing from Redis
    html = client.get(url).content.decode()
    assert '<ul class="practice-list">' in html and "Erste" in html  # markup, not escaped


def test_the_cached_directory_changes_as_soon_as_a_listing_does(client):
    first = published(name="Erste")
    url = reverse("practices:directory")
    client.get(url)

    published(name="Zweite")  # publishing
    assert "Zweite" in client.get(url).content.decode()
    practice_update(practice=first, actor=first.owner, fields={"name": "Umbenannt"})  # editing
    assert "Umbenannt" in client.get(url).content.decode()
    price = "33,00\N{NO-BREAK SPACE}€"
    assert price not in client.get(url).content.decode()
    first.session_types.update(price=Decimal("33"))  # a queryset update sends no signal...
    directory_changed()  # ...which is why services call this after one
    assert price in client.get(url).content.decode()
    career = Specialty.objects.get(slug="career")
    tag = f"<li>{escape(career.name)}</li>"  # on a card (the filter lists it as an option)
    assert tag not in client.get(url).content.decode()
    first.specialties.add(career)  # topics
    assert tag in client.get(url).content.decode()


def test_what_no_signal_reports_shows_within_a_minute_rendered_once(client):
    from coaching.practices.models import Practice
    from coaching.practices.views.public import _fresh_enough

    practice = published(name="Vorher")
    url = reverse("practices:directory")
    client.get(url)
    Practice.objects.filter(pk=practice.pk).update(name="Nachher")  # no signal, no new version
    assert "Vorher" in client.get(url).content.decode()

    with time_machine.travel(NOW + timedelta(seconds=61), tick=False):
        assert "Nachher" in client.get(url).content.decode()
        # Of the requests that find a listing past its time, one renders it; the rest serve
        # the older copy meanwhile instead of all rendering at once.
        old = ("<old/>", NOW.timestamp())
        assert _fresh_enough(old, "practices:test-listing") is None
        assert _fresh_enough(old, "practices:test-listing") == "<old/>"


def test_the_cached_directory_shows_nobody_else_s_data(client):
    published(name="Öffentlich")
    url = reverse("practices:directory")
    client.force_login(UserFactory())
    signed_in = client.get(url).content.decode()
    # The header is the signed-in person's: their menu and a logout form with their token...
    assert reverse("bookings:mine") in signed_in and "csrfmiddlewaretoken" in signed_in
    client.logout()

    anonymous = client.get(url).content.decode()
    assert "Öffentlich" in anonymous
    # ...but the cached listing carries nothing of it to the next visitor.
    assert reverse("bookings:mine") not in anonymous
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', signed_in))
    assert tokens and not any(token in anonymous for token in tokens)


def test_the_directory_renders_without_the_cache(client, settings):
    published(name="Ohne Cache")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens here
            "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1},
        }
    }
    response = client.get(reverse("practices:directory"))
    assert response.status_code == 200
    assert "Ohne Cache" in response.content.decode()


def test_practice_page_shows_slots_in_the_visitors_zone(client, settings):
    practice = published(slug="anna", hours=[(1, 9, 10)])  # Tuesdays 09:00-10:00 Berlin
    session_type = practice.session_types.get()
    client.cookies[settings.TIME_ZONE_COOKIE_NAME] = "America/New_York"

    response = client.get(reverse("practices:detail", args=["anna"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nordamerikanische Ostküstenzeit (New York)" in html
    assert "Zeitzone des Coachs: Mitteleuropäische Zeit (Berlin)" in html
    panel = response.context["panel"]
    assert panel["day"] == date(2026, 6, 2)  # the first day with a free time
    [(local, url)] = panel["times"]
    assert local.strftime("%H:%M %Z") == "03:00 EDT"  # 09:00 CEST
    assert f"/coaches/anna/book/{session_type.pk}/" in url
    assert url.endswith("?start=2026-06-02T07%3A00%3A00Z")


def test_practice_page_shows_a_booked_time_as_taken_at_once(client):
    from coaching.bookings.selectors import booking_busy_seconds

    busy_module.register_busy_source(booking_busy_seconds)  # bookings block time here
    practice = published(slug="frisch", hours=[(1, 9, 11)])  # Tuesdays 09:00-11:00 Berlin
    session_type = practice.session_types.get()
    url = reverse("practices:detail", args=["frisch"])
    nine = "?start=2026-06-02T07%3A00%3A00Z"
    before = client.get(url).content.decode()
    assert nine in before
    assert client.get(url).content.decode().count('class="slot"') == before.count('class="slot"')

    # Saved through the model (a confirmed booking): the cached page goes at once.
    BookingFactory(session_type=session_type, start=datetime(2026, 6, 2, 7, tzinfo=UTC))

    after = client.get(url).content.decode()
    assert nine not in after
    assert after.count('class="slot"') < before.count('class="slot"')


def test_practice_page_queries_do_not_grow_with_types_or_busy_time(client):
    practice = published(slug="viele")
    url = reverse("practices:detail", args=["viele"])
    queries_for(client, url)  # warm the process-wide caches

    directory_changed()  # measure the page with its profile rendered, not cached
    one_type = queries_for(client, url, at_most=7)
    for minutes in (30, 45, 90, 120):
        SessionTypeFactory(practice=practice, duration_minutes=minutes)

    directory_changed()
    queries_for(client, url, exactly=one_type)
    queries_for(client, url, at_most=one_type - 2)  # its topics and languages from the cache


def test_practice_page_profile_changes_as_soon_as_the_practice_does(client):
    practice = published(slug="profil", name="Vorher", bio="Alte Worte.")
    url = reverse("practices:detail", args=["profil"])
    assert "Vorher" in client.get(url).content.decode()

    practice_update(practice=practice, actor=practice.owner, fields={"bio": "Neue Worte."})
    html = client.get(url).content.decode()
    assert "Neue Worte." in html and "Alte Worte." not in html
    career = Specialty.objects.get(slug="career")
    tag = f"<li>{escape(career.name)}</li>"
    assert tag not in html
    practice.specialties.add(career)
    assert tag in client.get(url).content.decode()


def test_unpublished_practice_is_a_404_except_for_its_owner(client):
    draft = PracticeFactory(slug="entwurf")
    url = reverse("practices:detail", args=["entwurf"])

    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(draft.owner)
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["is_owner_preview"]


@pytest.mark.parametrize("day", ["9999-12-30", "0001-01-01", "2026-13-01", "morgen", ""])
@pytest.mark.parametrize("type_id", ["", "x", "999999", "99999999999999999999999"])
def test_practice_page_survives_any_day_and_type(client, day, type_id):
    practice = published(slug="weit")

    response = client.get(reverse("practices:detail", args=["weit"]), {"day": day, "type": type_id})

    assert response.status_code == 200
    panel = response.context["panel"]
    assert panel["chosen"] == practice.session_types.get()
    assert date(2026, 6, 1) <= panel["day"] <= date(2026, 6, 1) + timedelta(practice.horizon_days)


def test_practice_page_offers_later_days_only_up_to_the_horizon(client):
    practice = published(slug="horizont")
    url = reverse("practices:detail", args=["horizont"])
    last_day = date(2026, 6, 1) + timedelta(days=practice.horizon_days)

    assert client.get(url).context["panel"]["window"].later == date(2026, 6, 15)
    window = client.get(url, {"day": last_day.isoformat()}).context["panel"]["window"]
    assert window.later is None and window.first <= last_day < window.end
    assert window.earlier == window.first - timedelta(days=14)


def test_an_old_slug_redirects_permanently(client):
    practice = published(slug="alt")
    practice_update(practice=practice, actor=practice.owner, fields={"slug": "neu"})

    response = client.get(reverse("practices:detail", args=["alt"]) + "?from=2026-06-03")

    assert response.status_code == 301
    assert response.url == "/coaches/neu/?from=2026-06-03"


def test_slots_json_follows_the_contract(client):
    practice = published(slug="json", hours=[(1, 9, 11)])
    session_type = practice.session_types.get()

    response = client.get(
        reverse("practices:slots", args=["json"]),
        {"type": session_type.pk, "start": "2026-06-02", "days": "1", "tz": "Europe/Berlin"},
    )

    assert response.status_code == 200
    assert response.json() == {
        "timezone": "Europe/Berlin",
        "slots": ["2026-06-02T07:00:00Z", "2026-06-02T07:30:00Z", "2026-06-02T08:00:00Z"],
    }


def test_slots_json_reads_dates_in_the_requested_zone(client):
    practice = published(slug="tokyo", hours=[(0, 9, 10)])  # Mondays 09:00 Berlin = 16:00 Tokyo
    session_type = practice.session_types.get()

    tokyo_monday = client.get(
        reverse("practices:slots", args=["tokyo"]),
        {"type": session_type.pk, "start": "2026-06-08", "days": "1", "tz": "Asia/Tokyo"},
    )

    assert tokyo_monday.json()["slots"] == ["2026-06-08T07:00:00Z"]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"type": "x", "start": "2026-06-02"},
        {"type": "999999", "start": "2026-06-02"},
        {"start": "02.06.2026"},
        {"days": "1000"},
        {"days": "0"},
        {"type": "99999999999999999999999"},
        {"start": "9999-12-30"},
        {"start": "0001-01-01", "tz": "Asia/Tokyo"},
        {"start": "2029-01-01"},
    ],
)
def test_slots_json_bad_queries_are_400_with_reasons(client, query):
    practice = published(slug="bad")
    params = {"type": practice.session_types.get().pk, "start": "2026-06-02", **query}
    if not query:
        params = {}

    response = client.get(reverse("practices:slots", args=["bad"]), params)

    assert response.status_code == 400
    assert response.json()["errors"]


def test_slots_json_of_another_practices_type_is_refused(client):
    published(slug="eins")
    other_type = published(slug="zwei").session_types.get()

    response = client.get(
        reverse("practices:slots", args=["eins"]), {"type": other_type.pk, "start": "2026-06-02"}
    )
    assert response.status_code == 400


def test_booked_out_set_is_refreshed_by_the_beat_task_and_read_from_the_cache(client):
    from coaching.practices.tasks import refresh_booked_out

    free = published(name="Frei")
    full = published(name="Voll")
    assert refresh_booked_out.apply().get() == 0

    def source(*, practice_ids, start, end, ignore=()):
        return {full.pk: [seconds(Interval(start - timedelta(days=1), end + timedelta(days=1)))]}

    busy_module.register_busy_source(source)
    # Until the next refresh the cached answer stands; the practice page is always live.
    assert len(names(client.get(reverse("practices:directory"), {"free7": "on"}))) == 2

    assert refresh_booked_out.apply().get() == 1
    assert names(client.get(reverse("practices:directory"), {"free7": "on"})) == [free.name]


def test_time_off_to_the_end_of_the_calendar_just_means_no_slots(client):
    practice = published(slug="pause")
    practice.time_off.create(first_day=date(1, 1, 1), last_day=date(9999, 12, 31))
    session_type = practice.session_types.get()

    page = client.get(reverse("practices:detail", args=["pause"]))
    slots = client.get(
        reverse("practices:slots", args=["pause"]),
        {"type": session_type.pk, "start": "2026-06-01", "days": "62", "tz": "Pacific/Kiritimati"},
    )

    assert page.status_code == 200
    panel = page.context["panel"]
    assert panel["next"] is None and panel["times"] == []
    assert not any(free for _, free in panel["strip"])
    assert slots.status_code == 200 and slots.json()["slots"] == []


def test_slots_json_answers_a_changed_offer_at_once(client):
    """The type comes from the practice's page data in Redis: a change to it (a longer session,
    the type withdrawn) shows on the very next request, kept answer or not."""
    practice = published(slug="change", hours=[(1, 9, 11)])
    session_type = practice.session_types.get()
    url = reverse("practices:slots", args=["change"])
    query = {"type": session_type.pk, "start": "2026-06-02", "days": "1"}
    assert len(client.get(url, query).json()["slots"]) == 3

    session_type.duration_minutes = 120
    session_type.save()
    assert client.get(url, query).json()["slots"] == ["2026-06-02T07:00:00Z"]

    session_type.is_active = False
    session_type.save()
    assert client.get(url, query).status_code == 400
