"""Moving a session: choosing a time asks to confirm (old and new side by side); nothing moves
before the POST; the current time is not offered."""

from datetime import timedelta

import pytest
from django.urls import reverse

from coaching.bookings.models import Booking
from tests.bookings.fixtures import TUESDAY_10

pytestmark = pytest.mark.django_db


def move_url(booking):
    return reverse("bookings:move", args=[booking.reference])


def test_the_list_does_not_offer_the_current_time(client, booking, client_user, frozen):
    client.force_login(client_user)
    html = client.get(move_url(booking)).content.decode()
    assert f'value="{TUESDAY_10:%Y-%m-%dT%H:%M:%SZ}"' not in html
    later = TUESDAY_10 + timedelta(hours=2)
    assert f'value="{later:%Y-%m-%dT%H:%M:%SZ}"' in html


def test_choosing_a_time_shows_old_and_new_and_moves_nothing(client, booking, client_user, frozen):
    client.force_login(client_user)
    new_start = TUESDAY_10 + timedelta(hours=2)  # 12:00 Berlin

    response = client.get(move_url(booking), {"start": f"{new_start:%Y-%m-%dT%H:%M:%SZ}"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<s>Tuesday, 2. June 2026, 10:00</s>" in html
    assert "<strong>Tuesday, 2. June 2026, 12:00</strong>" in html
    assert f'name="start" value="{new_start:%Y-%m-%dT%H:%M:%SZ}"' in html
    assert Booking.objects.get(pk=booking.pk).start == TUESDAY_10


def test_a_malformed_choice_is_a_400_and_moves_nothing(client, booking, client_user, frozen):
    client.force_login(client_user)
    response = client.get(move_url(booking), {"start": "next tuesday"})
    assert response.status_code == 400
    assert Booking.objects.get(pk=booking.pk).start == TUESDAY_10
