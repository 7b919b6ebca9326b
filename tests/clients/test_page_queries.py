"""SQL statements of the relationship's pages, pinned (warm: the person's session, unread counts
and consent answer are in Redis, as on every request but a person's first). More clients, more
messages or more files must not add statements."""

import pytest
from django.urls import reverse

from coaching.clients.models import Relationship
from tests.clients.people import fill_relationship
from tests.factories import UserFactory
from tests.queries import pinned_queries

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> list[str]:
    assert client.get(url).status_code == 200  # warm
    with pinned_queries() as counted:
        assert client.get(url).status_code == 200
    return counted.sql


def _more(practice, n):
    for i in range(n):
        relationship = Relationship.objects.create(practice=practice, client=UserFactory())
        fill_relationship(relationship, f"Text {i}")


def test_the_client_list(client, relationship, coach, practice):
    fill_relationship(relationship, "Hallo")
    client.force_login(coach)
    url = reverse("clients:list")
    few = queries(client, url)
    _more(practice, 3)
    many = queries(client, url)
    # Practice, count for the pages, the calendar notice, the page of clients with its figures,
    # the fact sources' (packages: balances) one query for the page (session and user from
    # Redis).
    assert len(few) == len(many) == 5, "\n".join(many)


def test_a_clients_page(client, relationship, coach):
    fill_relationship(relationship, "Hallo")
    client.force_login(coach)
    url = reverse("clients:detail", args=[relationship.pk])
    few = queries(client, url)
    fill_relationship(relationship, "Noch mehr")
    many = queries(client, url)
    # Relationship, sessions, tasks with their files, notes, files, package balances (the user
    # from Redis).
    assert len(few) == len(many) == 8, "\n".join(many)


def test_a_message_thread(client, relationship, client_user):
    fill_relationship(relationship, "Hallo")
    client.force_login(client_user)
    url = reverse("clients:thread", args=[relationship.pk])
    few = queries(client, url)
    fill_relationship(relationship, "Noch mehr")
    many = queries(client, url)
    # Relationship, marking read, messages, office hours, tasks with their files, files (the
    # messages' attachments among them); the user from Redis.
    assert len(few) == len(many) == 7, "\n".join(many)


def test_the_coachs_side_of_a_thread(client, relationship, coach):
    from coaching.clients.models import CoachSettings

    CoachSettings.objects.create(practice=relationship.practice, office_hours="Mo-Fr 9-12")
    fill_relationship(relationship, "Hallo")
    client.force_login(coach)
    url = reverse("clients:thread", args=[relationship.pk])
    few = queries(client, url)
    fill_relationship(relationship, "Noch mehr")
    many = queries(client, url)
    # Relationship, marking read, messages, files (the user from Redis): office hours and
    # tasks are the client's to see, so the coach's page asks for neither.
    assert len(few) == len(many) == 4, "\n".join(many)
    assert "Mo-Fr 9-12" not in client.get(url).content.decode()
