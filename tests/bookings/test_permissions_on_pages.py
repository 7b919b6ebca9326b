"""What a participant may do (coaching/bookings/permissions.py), as the pages show it (the rules
themselves: test_permissions.py): the cancellation terms shown before payment and on the booking
come from the rule the cancel service applies, including when the free window has passed."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from tests.bookings.fixtures import NOW, TUESDAY_10

pytestmark = pytest.mark.django_db


def confirm_page(client, session_type):
    url = reverse("bookings:start", args=[session_type.practice.slug, session_type.pk])
    return client.get(f"{url}?start={TUESDAY_10:%Y-%m-%dT%H:%M:%SZ}").content.decode()


@pytest.fixture
def short_notice(practice, session_type):
    practice.min_notice_hours = 0
    practice.save(update_fields=["min_notice_hours"])
    return session_type


def test_a_slot_a_day_away_promises_free_cancellation_until_the_deadline(
    client, client_user, short_notice
):
    client.force_login(client_user)
    with time_machine.travel(NOW, tick=False):
        html = confirm_page(client, short_notice)
    assert "Free cancellation with a full refund until 1. June 2026, 10:00" in html
    assert "no longer possible" not in html


def test_a_slot_25_minutes_away_says_free_cancellation_is_no_longer_possible(
    client, client_user, short_notice
):
    client.force_login(client_user)
    with time_machine.travel(TUESDAY_10 - timedelta(minutes=25), tick=False):
        html = confirm_page(client, short_notice)
    assert "Free cancellation is no longer possible" in html
    assert "Free cancellation with a full refund until" not in html
    assert "Pay with PayPal" in html  # still bookable, on these terms
