from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse

from coaching.bookings.models import Booking
from coaching.packages.models import ClientPackage, Package
from coaching.packages.services import booking_from_credit, credit_balance
from tests.bookings.fixtures import TUESDAY_10
from tests.factories import PracticeFactory, SessionTypeFactory, UserFactory
from tests.packages.conftest import bought
from tests.queries import pinned_queries

pytestmark = pytest.mark.django_db


def test_the_practice_page_shows_packages_with_the_saving_per_session(client, package, frozen):
    page = client.get(package.practice.get_absolute_url()).content.decode()
    assert "Fünferkarte" in page
    assert "10,00" in page  # 80 € alone, 70 € in the package
    assert reverse("packages:buy", args=[package.practice.slug, package.pk]) in page


def test_the_buy_page_shows_the_terms_and_sends_the_client_to_paypal(
    client, client_user, package, paypal, frozen
):
    client.force_login(client_user)
    url = reverse("packages:buy", args=[package.practice.slug, package.pk])
    page = client.get(url).content.decode()
    assert "70.00" in page and "180" in page  # per session (the client reads English), validity
    response = client.post(url)
    assert response.status_code == 302
    held = ClientPackage.objects.get(client=client_user)
    assert held.state == "held"
    assert paypal.created_orders()


def test_a_package_of_another_practice_is_a_404_and_one_off_sale_a_409(
    client, client_user, package, frozen
):
    client.force_login(client_user)
    other = PracticeFactory(slug="other-coach")
    wrong = reverse("packages:buy", args=[other.slug, package.pk])
    assert client.post(wrong).status_code == 404
    Package.objects.filter(pk=package.pk).update(is_active=False)
    url = reverse("packages:buy", args=[package.practice.slug, package.pk])
    assert client.get(url).status_code == 409
    assert client.post(url).status_code == 409
    assert not ClientPackage.objects.exists()


def test_booking_from_the_package_page_and_the_balance_on_my_sessions(
    client, client_user, package, paypal, frozen
):
    client_package = bought(paypal, package=package, client=client_user)
    client.force_login(client_user)
    response = client.post(
        reverse("packages:book", args=[client_package.reference]),
        {"start": TUESDAY_10.isoformat().replace("+00:00", "Z")},
    )
    booking = Booking.objects.get(client=client_user)
    assert response.url == reverse("bookings:detail", args=[booking.reference])
    assert credit_balance(client_package) == 4
    page = client.get(reverse("bookings:mine")).content.decode()
    assert ("Fünferkarte" in page and "4 of 5" in page) or "4 von 5" in page


def test_bad_input_is_a_4xx_and_books_nothing(client, client_user, package, paypal, frozen):
    client_package = bought(paypal, package=package, client=client_user)
    client.force_login(client_user)
    url = reverse("packages:book", args=[client_package.reference])
    assert client.post(url, {"start": "gestern"}).status_code == 400
    frozen.move_to(client_package.expires_at + timedelta(hours=1))
    later = client_package.expires_at + timedelta(days=1)
    assert client.post(url, {"start": later.isoformat()}).status_code == 409
    assert credit_balance(client_package) == 5


def test_the_coach_creates_a_package_and_sees_balances(client, practice, session_type, frozen):
    client.force_login(practice.owner)
    url = reverse("packages:coach")
    bad = client.post(url, {"name": "x", "session_type": session_type.pk, "sessions": 500})
    assert bad.status_code == 400
    assert not Package.objects.exists()
    other_type = SessionTypeFactory(practice=PracticeFactory())
    form = {
        "name": "Zehnerkarte",
        "session_type": other_type.pk,  # not the coach's own
        "sessions": 10,
        "price": "700.00",
        "validity_days": 180,
        "expiry_rule": "refund",
        "is_active": "on",
    }
    assert client.post(url, form).status_code == 400
    response = client.post(url, {**form, "session_type": session_type.pk})
    assert response.status_code == 302
    assert Package.objects.get().practice == practice


def test_pages_have_a_fixed_number_of_queries(client, client_user, package, paypal, frozen):
    """The coach's page, "Meine Sitzungen" and the package page cost the same with one package
    and one client as with five of each."""

    def counts():
        counted = []
        for user, url in (
            (package.practice.owner, reverse("packages:coach")),
            (client_user, reverse("bookings:mine")),
            (client_user, reverse("packages:detail", args=[first.reference])),
        ):
            client.force_login(user)
            cache.clear()
            with pinned_queries() as queries:
                assert client.get(url).status_code == 200
            counted.append(len(queries))
        return counted

    first = bought(paypal, package=package, client=client_user)
    booking_from_credit(client_package=first, client=client_user, start=TUESDAY_10)
    one = counts()
    for n in range(4):
        other = UserFactory()
        bought(paypal, package=package, client=other)
        more = bought(paypal, package=package, client=client_user)
        booking_from_credit(
            client_package=more, client=client_user, start=TUESDAY_10 + timedelta(days=7 * (n + 1))
        )
    assert counts() == one
    # Pinned: session, user, practice or package, what the page lists, the layout's two reads.
    assert one == [PINNED_COACH, PINNED_MINE, PINNED_DETAIL]


# coach: session, user, practice, offers, balances, calendar of session types for the form,
# the layout's policy version and unread count; "Meine Sitzungen": session, user, packages,
# bookings, the layout's two; the package page: session, user, the package with its balance,
# its credits, the slots' busy time and hours, the layout's two.
# +1 since the merges: the calendar-connection notice on coach pages, the conversations count
# in the header (cold cache; the header reads it on every page so that it is never stale).
PINNED_COACH, PINNED_MINE, PINNED_DETAIL = 10, 8, 10
