"""Staff powers outside the admin need the admin's second factor (sofadoc/accounts/staff.py).

Every URL that takes an id of something of one person's (the MATRIX of test_object_access, which
is checked against the URL resolver) is walked as staff without two factors, who must be refused
and change nothing, and as staff with two factors, who reach exactly the pages staff may use.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from coaching.bookings.models import Booking, BookingState
from coaching.practices.models import Specialty
from coaching.practices.services import practice_update, specialty_save
from tests.factories import StaffFactory
from tests.security.test_object_access import MATRIX
from tests.security.test_object_access import _assert_refused as assert_refused_as_outsider

pytestmark = pytest.mark.django_db

# What staff with two factors may use outside the admin, by URL name. Everything else in the
# MATRIX is one person's own (the video room, moving one's session, paying, messages, exports,
# the coach's setup pages): refused to staff as to anyone else.
STAFF_POWERS = {
    "bookings:detail",
    "bookings:cancel",  # a staff cancellation refunds in full
    "bookings:receipt",
    "bookings:ics",
    "practices:detail",  # the preview of an unpublished practice
    "practices:slots",
}


def _staff(*, two_factors: bool):
    return StaffFactory(display_name="Sabine Staff", two_factors=two_factors)


def _assert_refused(response, name: str, world):
    # Refused as another client is: a 404 that shows nothing, or, for the coach's own pages,
    # the way to start a practice (staff have none).
    assert_refused_as_outsider(response, name, "other_client", world)


def test_the_staff_powers_are_urls_of_the_matrix():
    assert not STAFF_POWERS - MATRIX.keys()


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_staff_without_two_factors_are_refused_and_change_nothing(
    client, world, frozen, paypal, name
):
    case = MATRIX[name]
    case.prepare(world, frozen)
    url = reverse(name, kwargs=case.kwargs(world)) + case.query(world)
    before = case.state(world)
    refunds_at_paypal = len(paypal.requests_to("/refund"))

    client.force_login(_staff(two_factors=False))
    if case.get is not None:
        _assert_refused(client.get(url), name, world)
    if case.post is not None:
        _assert_refused(client.post(url, case.post(world)), name, world)

    assert case.state(world) == before, (name, "changed something")
    assert len(paypal.requests_to("/refund")) == refunds_at_paypal


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_staff_with_two_factors_reach_exactly_the_staff_pages(client, world, frozen, name):
    case = MATRIX[name]
    case.prepare(world, frozen)
    url = reverse(name, kwargs=case.kwargs(world)) + case.query(world)
    before = case.state(world)

    client.force_login(_staff(two_factors=True))
    if name not in STAFF_POWERS:
        if case.get is not None:
            _assert_refused(client.get(url), name, world)
        if case.post is not None:
            _assert_refused(client.post(url, case.post(world)), name, world)
        assert case.state(world) == before, (name, "changed something")
        return
    if case.post is not None:
        assert client.post(url, case.post(world)).status_code == case.post_status, name
    if case.get is not None:
        assert client.get(url).status_code == case.get, name
    assert (case.state(world) != before) == case.owner_changes_state, name


def test_a_staff_cancellation_with_two_factors_refunds_in_full(client, world, frozen, paypal):
    client.force_login(_staff(two_factors=True))
    url = reverse("bookings:cancel", args=[world.booking.reference])

    assert client.post(url, {"reason": "Doppelt gebucht"}).status_code == 302

    booking = Booking.objects.get(pk=world.booking.pk)
    assert (booking.state, booking.cancelled_by) == (BookingState.CANCELLED, "staff")
    assert booking.refunds.get().amount == booking.price
    assert len(paypal.requests_to("/refund")) == 1


def test_practice_services_refuse_staff_without_two_factors(world):
    without, with_ = _staff(two_factors=False), _staff(two_factors=True)
    specialty = Specialty.objects.create(
        name_de="Prüfungsangst", name_en="Exam nerves", slug="pruefungsangst"
    )

    with pytest.raises(PermissionDenied):
        practice_update(practice=world.practice, actor=without, fields={"headline": "Anders"})
    with pytest.raises(PermissionDenied):
        specialty_save(specialty=specialty, actor=without)

    practice_update(practice=world.practice, actor=with_, fields={"headline": "Anders"})
    specialty_save(specialty=specialty, actor=with_)
    world.practice.refresh_from_db()
    assert world.practice.headline == "Anders"


def test_the_admin_uses_the_same_check(client):
    client.force_login(_staff(two_factors=False))
    assert client.get(reverse("admin:index")).status_code == 302
    client.force_login(_staff(two_factors=True))
    assert client.get(reverse("admin:index")).status_code == 200
