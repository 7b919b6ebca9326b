"""The booking page keeps its content and its "free" answer per process (sofadoc.fragments.memo,
coaching.practices.pages.slot_shown_free): what changes must show on the next request."""

from datetime import timedelta

import pytest
from django.urls import reverse

from coaching.bookings.services import booking_hold
from coaching.practices.pages import availability_version_key
from coaching.practices.services import session_type_save
from coaching.video.admission import room_settings_update
from sofadoc import fragments
from tests.bookings.fixtures import TUESDAY_10
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_copies():
    fragments.forget_all()
    yield
    fragments.forget_all()


def page(client, session_type):
    url = reverse("bookings:start", args=[session_type.practice.slug, session_type.pk])
    return client.get(f"{url}?start={TUESDAY_10:%Y-%m-%dT%H:%M:%SZ}")


@pytest.fixture
def signed_in(client, client_user):
    client.force_login(client_user)
    return client


def test_a_slot_taken_elsewhere_is_shown_taken_at_once(signed_in, session_type, frozen):
    assert page(signed_in, session_type).status_code == 200  # free, and now kept as free

    booking_hold(
        client=UserFactory(),
        practice=session_type.practice,
        session_type_id=session_type.pk,
        start=TUESDAY_10,
    )

    response = page(signed_in, session_type)
    assert response.status_code == 409
    assert "no longer free" in response.content.decode()


def test_a_slot_inside_the_minimum_notice_is_no_longer_shown_free(signed_in, session_type, frozen):
    practice = session_type.practice
    practice.min_notice_hours = 12
    practice.save(update_fields=["min_notice_hours"])
    assert page(signed_in, session_type).status_code == 200
    frozen.move_to(TUESDAY_10 - timedelta(hours=11))

    assert page(signed_in, session_type).status_code == 409


def test_a_new_price_shows_at_once(signed_in, session_type, frozen):
    assert "€80.00" in page(signed_in, session_type).content.decode()

    session_type.price = "95.00"
    session_type_save(session_type=session_type, actor=session_type.practice.owner)

    html = page(signed_in, session_type).content.decode()
    assert "€95.00" in html and "€80.00" not in html
    assert 'name="price" value="95.00"' in html


def test_changed_room_rules_show_at_once(signed_in, session_type, frozen):
    assert "Then nothing is refunded" in _rules(page(signed_in, session_type))

    room_settings_update(
        practice=session_type.practice, waiting_note="", auto_admit=False, percent=50
    )

    rules = _rules(page(signed_in, session_type))
    assert "Then 50 % of the price is refunded" in rules and "nothing is refunded" not in rules


def test_each_person_gets_their_own_csrf_token_and_own_practice_notice(
    client, signed_in, session_type, frozen
):
    first = page(signed_in, session_type).content.decode()
    coach = session_type.practice.owner
    coach.language = "en"
    coach.save(update_fields=["language"])
    client.force_login(coach)
    own = page(client, session_type).content.decode()

    assert "your own practice" in own and "your own practice" not in first
    assert 'name="csrfmiddlewaretoken"' in first


def _rules(response) -> str:
    html = response.content.decode()
    return html[html.index("attendance-before-booking") :][:2000]


def test_the_page_reads_redis_in_one_round_trip(signed_in, session_type, frozen, commands):
    """The session, the person's values, the listings' and the practice's availability version
    come in one MGET (sofadoc/prefetch.py); the practice's rows from the process's copy."""
    page(signed_in, session_type)  # learns the practice's id, keeps the "free" answer
    commands.clear()

    assert page(signed_in, session_type).status_code == 200

    assert [name for name, _ in commands] == ["MGET"]
    assert f":{availability_version_key(session_type.practice_id)}" in " ".join(commands[0][1])
