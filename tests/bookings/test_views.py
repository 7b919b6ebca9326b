"""The booking pages after the checkout (coaching/bookings/views.py): cancel and move pages,
the receipt link, lists, the coach's week, and who may see what."""

from datetime import timedelta

import pytest
from django.urls import reverse

from coaching.bookings.models import Booking, BookingState
from coaching.bookings.services import (
    booking_hold,
)
from tests.bookings.fixtures import TUESDAY_10
from tests.factories import StaffFactory, UserFactory
from tests.queries import pinned_queries

pytestmark = pytest.mark.django_db


def test_the_cancel_page_says_which_rule_applies_before_confirming(
    client, booking, client_user, frozen
):
    client.force_login(client_user)
    url = reverse("bookings:cancel", args=[booking.reference])

    assert "full refund" in client.get(url).content.decode()
    frozen.shift(timedelta(hours=1))
    assert "there is no refund" in client.get(url).content.decode()


def test_client_moves_a_session_without_paying_again(client, booking, client_user, paypal, frozen):
    client.force_login(client_user)
    new_start = TUESDAY_10 + timedelta(hours=2)  # 12:00 Berlin

    response = client.post(
        reverse("bookings:move", args=[booking.reference]),
        {"start": f"{new_start:%Y-%m-%dT%H:%M:%SZ}"},
    )

    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.start == new_start and booking.end == new_start + timedelta(hours=1)
    assert booking.sequence == 1
    assert not paypal.created_orders() and booking.payments.count() == 1  # no second order
    # The old time is free again; the new one is taken.
    other = UserFactory()
    assert booking_hold(
        client=other,
        practice=booking.practice,
        session_type_id=booking.session_type_id,
        start=TUESDAY_10,
    )


def test_moving_onto_a_taken_time_is_refused(
    client, booking, client_user, practice, session_type, frozen
):
    taken = TUESDAY_10 + timedelta(hours=3)
    booking_hold(
        client=UserFactory(), practice=practice, session_type_id=session_type.pk, start=taken
    )
    client.force_login(client_user)

    response = client.post(
        reverse("bookings:move", args=[booking.reference]), {"start": f"{taken:%Y-%m-%dT%H:%M:%SZ}"}
    )

    assert response.status_code == 409
    assert Booking.objects.get(pk=booking.pk).start == TUESDAY_10


def test_the_receipt_link_lists_the_billing_documents_of_the_booking(
    client, booking, client_user, frozen
):
    """Receipts are billing's documents (tests/billing), issued from payments' announcement or,
    failing that, by billing's scan; the booking page links to them."""
    from coaching.billing.models import Document
    from coaching.billing.tasks import issue_missing_documents

    issue_missing_documents.apply()
    document = Document.objects.get(purchase=booking.purchase)
    client.force_login(client_user)

    detail = client.get(reverse("bookings:detail", args=[booking.reference])).content.decode()
    assert reverse("bookings:receipt", args=[booking.reference]) in detail
    html = client.get(reverse("bookings:receipt", args=[booking.reference])).content.decode()

    assert document.number in html
    assert reverse("billing:document_pdf", args=[document.pk]) in html
    assert "€80.00" in html  # the viewer's language (English here)


@pytest.mark.parametrize("name", ["detail", "cancel", "move", "receipt", "ics"])
def test_only_client_coach_and_staff_see_a_booking(client, booking, practice, client_user, name):
    url = reverse(f"bookings:{name}", args=[booking.reference])

    for outsider in (UserFactory(), UserFactory(is_staff=False)):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    another_coach = UserFactory()
    from tests.factories import PracticeFactory

    PracticeFactory(owner=another_coach)
    client.force_login(another_coach)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login

    client.force_login(client_user)
    assert client.get(url).status_code == 200


def test_staff_open_a_booking_only_with_two_factors(client, booking):
    url = reverse("bookings:detail", args=[booking.reference])
    client.force_login(StaffFactory(two_factors=False))
    assert client.get(url).status_code == 404
    client.force_login(StaffFactory(two_factors=True))
    assert client.get(url).status_code == 200


def test_booking_lists_cost_a_fixed_number_of_queries(
    client, booking, practice, client_user, session_type
):
    for hours in (1, 2, 3, 4, 5):
        held = booking_hold(
            client=client_user,
            practice=practice,
            session_type_id=session_type.pk,
            start=TUESDAY_10 + timedelta(hours=hours),
        )
        Booking.objects.filter(pk=held.pk).update(state=BookingState.CONFIRMED)
    client.force_login(client_user)
    with pinned_queries(at_most=7):  # +1: the header's conversations count (cold)
        assert client.get(reverse("bookings:mine")).status_code == 200
    client.force_login(practice.owner)
    with pinned_queries(at_most=10):
        assert client.get(reverse("bookings:coach")).status_code == 200


def test_coach_week_view_shows_the_session_on_its_day(client, booking, practice):
    client.force_login(practice.owner)
    response = client.get(reverse("bookings:coach"), {"week": "2026-06-03"})
    days = dict(response.context["days"])
    assert [b.reference for b in days[TUESDAY_10.date()]] == [booking.reference]


@pytest.mark.parametrize(("viewer_zone", "shown"), [("Europe/Berlin", False), ("Asia/Tokyo", True)])
def test_the_coachs_time_is_shown_only_when_the_viewer_lives_in_another_zone(
    client, booking, client_user, viewer_zone, shown
):
    client_user.time_zone = viewer_zone
    client_user.save(update_fields=["time_zone"])
    client.force_login(client_user)

    page = client.get(reverse("bookings:detail", args=[booking.reference])).content.decode()

    assert booking.practice.time_zone == "Europe/Berlin"
    assert ("Coach's time" in page or "Coach&#x27;s time" in page) is shown
