import pytest
from django.urls import reverse

from privacy.models import ConsentRecord
from privacy.services import SIGNUP_PURPOSES, consent_record
from tests.factories import LegalDocumentFactory, UserFactory
from tests.queries import pinned_queries

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.privacy.urls_gate")]


@pytest.fixture(autouse=True)
def _gate_the_dummy_view(settings):
    settings.PRIVACY_ACCEPTANCE_REQUIRED_VIEWS = ["gatetest:*"]


@pytest.fixture
def member(client):
    user = UserFactory(accepted_terms=False)
    consent_record(user=user, decisions=dict.fromkeys(SIGNUP_PURPOSES, True), source="signup")
    client.force_login(user)
    return user


def test_user_who_accepted_current_versions_passes(client, member):
    assert client.get("/dummy/book/").content == b"booked"


def test_new_terms_version_redirects_to_accept_page_then_back(client, member):
    new = LegalDocumentFactory(kind="terms", language="de", version=2)
    response = client.get("/dummy/book/?slot=3")
    assert response.status_code == 302
    assert response.url.startswith(reverse("privacy:accept"))

    page = client.get(response.url)
    assert page.status_code == 200
    assert new.title in page.content.decode()

    refused = client.post(response.url, {"next": "/dummy/book/?slot=3"})
    assert refused.status_code == 400

    accepted = client.post(response.url, {"next": "/dummy/book/?slot=3", "terms": "on"})
    assert accepted.url == "/dummy/book/?slot=3"
    record = ConsentRecord.objects.filter(subject=member, source="reaccept").get()
    assert record.document == new and record.granted
    assert client.get("/dummy/book/").content == b"booked"


def test_gate_leaves_reading_data_and_privacy_pages_open(client, member):
    LegalDocumentFactory(kind="privacy", language="de", version=3)
    assert client.get(reverse("privacy:consents")).status_code == 200
    assert client.get(reverse("privacy:policy")).status_code == 200


def test_accept_page_ignores_foreign_next(client, member):
    LegalDocumentFactory(kind="terms", language="de", version=2)
    response = client.post(
        reverse("privacy:accept"), {"next": "https://evil.example/", "terms": "on"}
    )
    assert response.url == reverse("home")


def test_anonymous_visitors_are_not_gated(client):
    LegalDocumentFactory(kind="terms", language="de", version=2)
    client.logout()
    assert client.get("/dummy/book/").content == b"booked"


def test_the_gates_check_agrees_with_the_pending_documents(member):
    from privacy.selectors import consent_is_pending, consent_pending_documents

    def both():
        return consent_is_pending(user=member), bool(consent_pending_documents(user=member))

    assert both() == (False, False)
    LegalDocumentFactory(kind="privacy", language="en", version=3)  # a newer version, English only
    assert both() == (True, True)
    consent_record(user=member, decisions={"privacy": True}, source="reaccept")
    assert both() == (False, False)
    LegalDocumentFactory(kind="terms", language="de", version=3)
    consent_record(user=member, decisions={"terms": False}, source="reaccept")  # refused
    assert both() == (True, True)


def test_the_gate_costs_two_queries(client, member):
    client.get("/dummy/book/")  # session and user loaded once, caches warm
    from privacy.selectors import consent_is_pending

    with pinned_queries(at_most=2):
        assert consent_is_pending(user=member) is False


def test_the_gates_answer_is_kept_per_person_until_something_changes(client, member):
    from privacy.selectors import consent_is_pending_cached

    assert consent_is_pending_cached(user=member) is False
    with pinned_queries(0):  # from Redis
        assert consent_is_pending_cached(user=member) is False

    LegalDocumentFactory(kind="terms", language="de", version=2)  # everyone's answer goes
    assert consent_is_pending_cached(user=member) is True
    consent_record(user=member, decisions={"terms": True}, source="reaccept")  # theirs goes
    assert consent_is_pending_cached(user=member) is False
    assert client.get("/dummy/book/").content == b"booked"


def test_a_scheduled_version_gates_from_the_moment_it_is_published(client, member):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    soon = timezone.now() + timedelta(hours=1)
    LegalDocumentFactory(kind="privacy", language="de", version=3, published_at=soon)
    assert client.get("/dummy/book/").content == b"booked"  # cached: not yet pending

    with time_machine.travel(soon + timedelta(seconds=1)):
        assert client.get("/dummy/book/").status_code == 302
