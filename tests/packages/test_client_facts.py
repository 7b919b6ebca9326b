"""The coach sees each client's package balance (sessions left, expiry) in the client list and
on the client's page: packages gives it to clients as a fact source (clients/facts.py), one
query for the whole page, and only for the coach's own practice."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coaching.clients.facts import client_facts, fact_sources
from coaching.clients.services import relationship_ensure
from coaching.packages.models import Package
from coaching.packages.services import booking_from_credit
from coaching.practices.services import practice_publish
from tests.bookings.fixtures import TUESDAY_10
from tests.factories import PracticeFactory, SessionTypeFactory, UserFactory
from tests.packages.conftest import bought

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> list[str]:
    assert client.get(url).status_code == 200  # warm
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_packages_is_a_registered_fact_source():
    assert "packages" in [source.code for source in fact_sources()]


def test_the_client_list_and_page_show_the_balance_and_expiry(
    client, client_user, package, paypal, frozen
):
    client_package = bought(paypal, package=package, client=client_user)
    booking_from_credit(client_package=client_package, client=client_user, start=TUESDAY_10)
    practice = package.practice
    relationship = relationship_ensure(practice=practice, client=client_user)
    coach = practice.owner
    coach.language = "en"
    coach.save(update_fields=["language"])
    client.force_login(coach)
    listing = client.get(reverse("clients:list")).content.decode()
    assert "4 of 5 sessions left: Fünferkarte" in listing
    assert "expires Nov. 28, 2026" in listing  # 180 days after 1 June 2026
    page = client.get(reverse("clients:detail", args=[relationship.pk])).content.decode()
    assert "4 of 5 sessions left: Fünferkarte" in page


def test_the_balance_is_in_the_coachs_language_and_time_zone(
    client, client_user, package, paypal, frozen
):
    bought(paypal, package=package, client=client_user)
    relationship_ensure(practice=package.practice, client=client_user)
    coach = package.practice.owner
    coach.language = "de"
    coach.save(update_fields=["language"])
    client.force_login(coach)
    listing = client.get(reverse("clients:list")).content.decode()
    assert "noch 5 von 5 Sitzungen: Fünferkarte" in listing
    assert "läuft am 28. November 2026 ab" in listing


def test_a_package_from_another_coach_is_not_shown(client, client_user, paypal, frozen, practice):
    other = PracticeFactory(slug="bert", owner__display_name="Bert Coach")
    other_type = SessionTypeFactory(practice=other, name="Beratung", price="60.00")
    practice_publish(practice=other, actor=other.owner)
    other_package = Package.objects.create(
        practice=other, session_type=other_type, name="Bert-Karte", sessions=3, price="150.00"
    )
    bought(paypal, package=other_package, client=client_user)
    facts = client_facts(practice=practice, client_ids=[client_user.pk], now=timezone.now())
    assert all(not column.facts for column in facts[client_user.pk])


def test_used_up_expired_and_unpaid_packages_are_left_out(client_user, package, paypal, frozen):
    from coaching.packages.services import client_package_start

    client_package_start(package_id=package.pk, practice=package.practice, client=client_user)
    facts = client_facts(practice=package.practice, client_ids=[client_user.pk], now=timezone.now())
    assert [column.facts for column in facts[client_user.pk]] == [()]


def test_the_client_list_costs_the_same_for_one_or_many_clients_with_packages(
    client, client_user, package, paypal, frozen
):
    practice = package.practice
    bought(paypal, package=package, client=client_user)
    relationship_ensure(practice=practice, client=client_user)
    client.force_login(practice.owner)
    url = reverse("clients:list")
    few = _queries(client, url)
    for _ in range(3):
        other = UserFactory()
        bought(paypal, package=package, client=other)
        bought(paypal, package=package, client=other)
        relationship_ensure(practice=practice, client=other)
    many = _queries(client, url)
    # Practice, count for the pages, the calendar notice, the page of clients with its figures,
    # the package balances of the page (session and user from Redis).
    assert len(few) == len(many) == 5, "\n".join(many)
    assert sum("packages_clientpackage" in sql for sql in many) == 1
