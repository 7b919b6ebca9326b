import datetime

import pytest
from django.urls import reverse

from coaching.bookings.signals import booking_confirmed
from coaching.clients.models import CoachSettings, Message, Relationship, SharedFile
from coaching.clients.services import relationship_ensure
from coaching.clients.tasks import purge_ended_relationships
from coaching.notifications.models import Notification
from tests.clients.people import fill_relationship

pytestmark = pytest.mark.django_db


def test_a_confirmed_booking_makes_the_relationship(booking, practice, client_user):
    assert not Relationship.objects.exists()
    booking_confirmed.send(sender="bookings", booking=booking)
    assert Relationship.objects.get().client == client_user
    booking_confirmed.send(sender="bookings", booking=booking)
    assert Relationship.objects.count() == 1


def test_the_client_list_shows_figures_and_finds_by_name(client, relationship, coach, booking):
    fill_relationship(relationship, "Hallo")
    client.force_login(coach)
    row = client.get(reverse("clients:list")).context["rows"][0]
    assert row.next_session == booking.start
    assert (row.open_tasks, row.no_shows, row.unread) == (1, 0, 1)
    assert client.get(reverse("clients:list") + "?q=jonas").context["page"].object_list
    assert not client.get(reverse("clients:list") + "?q=niemand").context["page"].object_list


def test_either_side_ends_it_then_it_is_read_only_and_purged_after_the_coachs_period(
    client, relationship, coach, client_user, frozen, django_capture_on_commit_callbacks
):
    CoachSettings.objects.create(practice=relationship.practice, keep_days_after_end=30)
    fill_relationship(relationship, "Hallo")
    names = list(SharedFile.objects.values_list("file", flat=True))
    client.force_login(client_user)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("clients:end", args=[relationship.pk])).status_code == 302
    relationship.refresh_from_db()
    assert relationship.ended_by == "client"
    assert relationship.purge_after == relationship.ended_at + datetime.timedelta(days=30)
    assert Notification.objects.filter(recipient=coach, kind="clients_ended").exists()
    # Read-only: reading works, writing is refused with a message and stores nothing.
    url = reverse("clients:thread", args=[relationship.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"text": "Noch da?"}).status_code == 400
    assert Message.objects.count() == 2
    frozen.shift(datetime.timedelta(days=29))
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_ended_relationships.apply().get() == 0
    frozen.shift(datetime.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_ended_relationships.apply().get() == 1
    assert not Relationship.objects.exists() and not Message.objects.exists()
    from django.core.files.storage import storages

    assert not any(storages["private"].exists(n) for n in names)


def test_a_new_booking_reopens_an_ended_relationship(relationship, practice, client_user, coach):
    from coaching.clients.services import relationship_end

    relationship_end(relationship=relationship, actor=coach)
    again = relationship_ensure(practice=practice, client=client_user)
    assert again.pk == relationship.pk and again.ended_at is None and again.purge_after is None


def test_office_hours_are_shown_to_the_client(client, relationship, coach, client_user):
    client.force_login(coach)
    response = client.post(
        reverse("clients:settings"),
        {"office_hours": "Mo–Do 9–17 Uhr", "keep_days_after_end": "60"},
    )
    assert response.status_code == 302
    client.force_login(client_user)
    page = client.get(reverse("clients:thread", args=[relationship.pk])).content.decode()
    assert "Mo–Do 9–17 Uhr" in page
    client.force_login(coach)
    bad = client.post(
        reverse("clients:settings"), {"office_hours": "<script>", "keep_days_after_end": "-1"}
    )
    assert bad.status_code == 400
    assert CoachSettings.objects.get().office_hours == "Mo–Do 9–17 Uhr"
