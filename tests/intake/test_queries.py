"""Query counts of the intake pages, pinned: an N+1 over questions or answers fails here."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from coaching.intake.services import QuestionData
from tests.intake.helpers import (
    accept_agreement,
    answer_form,
    publish_agreement,
    publish_form,
)
from tests.queries import pinned_queries

pytestmark = pytest.mark.django_db

MANY = [QuestionData(kind="text", label=f"Frage {n}") for n in range(25)]


def _count(client, url, expected):
    client.get(url)  # warm: session, user and the layout's cached values from Redis after this
    with pinned_queries(expected):
        assert client.get(url).status_code == 200


def test_the_coach_questionnaire_page(client, practice):
    publish_form(practice, MANY)
    client.force_login(practice.owner)
    # practice; the newest version, its questions
    _count(client, reverse("intake:form_edit"), 4)


def test_the_coach_agreement_page(client, practice):
    publish_agreement(practice)
    client.force_login(practice.owner)
    # practice, the newest version
    _count(client, reverse("intake:agreement_edit"), 3)


def test_the_client_answer_page(client, booking, client_user):
    publish_form(booking.practice, MANY)
    client.force_login(client_user)
    # booking, the version with its questions, what is missing
    _count(
        client,
        reverse("intake:answer", args=[booking.reference]),
        4,
    )


def test_the_client_agreement_page(client, booking, client_user):
    publish_agreement(booking.practice)
    client.force_login(client_user)
    # booking, the version, the client's log
    _count(
        client,
        reverse("intake:agreement", args=[booking.reference]),
        3,
    )


def test_the_booking_page_with_answers_does_not_grow_with_them(
    client, booking, practice, client_user
):
    version = publish_form(practice, MANY)
    answer_form(practice, client_user, version)
    accept_agreement(publish_agreement(practice), client_user)
    client.force_login(practice.owner)
    url = reverse("bookings:detail", args=[booking.reference])
    client.get(url)
    cache.clear()
    client.get(url)
    client.get(url)  # the user's row is stored once its version stands (usercache)
    # The booking page itself (booking, refunds; session, user and the layout from Redis) and
    # the panel: questionnaire in force, responses, agreement in force, acceptances; the
    # answers (responses with version, answers with questions).
    with pinned_queries(8) as first:
        page = client.get(url)
    assert page.status_code == 200
    assert "Frage 24" in page.content.decode()
    # Answering again (more answers, an older response) costs nothing more.
    answer_form(practice, client_user, publish_form(practice, MANY + MANY[:5]))
    with pinned_queries(len(first)):
        client.get(url)
