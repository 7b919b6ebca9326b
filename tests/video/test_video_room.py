"""The attendance rules shown before booking (coaching/video/templatetags/video_room.py), with the
practice's own no-show refund."""

import pytest
from django.urls import reverse

from coaching.video.models import RoomSettings

pytestmark = pytest.mark.django_db


def test_the_booking_page_shows_the_rules_before_paying(client, practice, client_user, frozen):
    RoomSettings.objects.create(practice=practice, no_show_refund_percent=40)
    client.force_login(client_user)
    session_type = practice.session_types.get()
    page = client.get(
        reverse("bookings:start", args=[practice.slug, session_type.pk])
        + "?start=2026-06-02T08:00:00Z"
    ).content.decode()
    assert "40 %" in page and "full price back automatically" in page
