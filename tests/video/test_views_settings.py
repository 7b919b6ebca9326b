"""The coach's room settings (coaching/video/views_settings.py): waiting note, auto-admit and the
no-show rule, refused whole when one value is wrong."""

import pytest
from django.urls import reverse

from coaching.video.models import RoomSettings

pytestmark = pytest.mark.django_db


def test_the_coach_sets_the_waiting_note_auto_admit_and_no_show_rule(practice, client):
    client.force_login(practice.owner)
    url = reverse("video:settings")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"waiting_note": "Bis gleich", "no_show_refund_percent": "150"})
    assert bad.status_code == 400 and not RoomSettings.objects.exists()

    response = client.post(
        url,
        {
            "waiting_note": "Ich hole Sie gleich.",
            "auto_admit": "on",
            "no_show_refund_percent": "50",
        },
    )

    assert response.status_code == 302
    saved = RoomSettings.objects.get(practice=practice)
    assert (saved.waiting_note, saved.auto_admit, saved.no_show_refund_percent) == (
        "Ich hole Sie gleich.",
        True,
        50,
    )
