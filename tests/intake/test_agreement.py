"""The coaching agreement: written or uploaded (checked by content), versioned, accepted and
revoked by the client with the time logged, its PDF served only to the coach and their clients,
and the join page naming what is missing."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coaching.intake.models import AgreementAcceptance, AgreementVersion
from coaching.intake.selectors import missing_before_session
from coaching.intake.services import VersionChanged
from tests.bookings.fixtures import TUESDAY_10
from tests.factories import UserFactory
from tests.intake.helpers import accept_agreement, pdf_bytes, publish_agreement

pytestmark = pytest.mark.django_db


def _upload(content: bytes, name="vertrag.pdf", kind="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=kind)


def test_the_coach_writes_the_agreement_and_the_client_accepts_and_revokes(
    client, booking, practice, client_user, frozen
):
    client.force_login(practice.owner)
    url = reverse("intake:agreement_edit")
    assert client.get(url).status_code == 200
    text = "Vertrag <script>alert(1)</script>\nZweite Zeile"
    assert client.post(url, {"text": text}).status_code == 302
    version = AgreementVersion.objects.get(practice=practice)
    assert (version.number, version.text, version.active) == (1, text, True)
    assert [m.kind for m in missing_before_session(booking)] == ["agreement"]

    client.force_login(client_user)
    page_url = reverse("intake:agreement", args=[booking.reference])
    page = client.get(page_url).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    # Without the checkbox: a 400 and nothing logged.
    assert client.post(page_url, {"version": version.pk}).status_code == 400
    assert not AgreementAcceptance.objects.exists()
    assert client.post(page_url, {"version": version.pk, "accept": "on"}).status_code == 302
    acceptance = AgreementAcceptance.objects.get()
    assert (acceptance.version, acceptance.client, acceptance.revoked_at) == (
        version,
        client_user,
        None,
    )
    assert missing_before_session(booking) == []

    frozen.shift(timedelta(minutes=5))
    revoke = reverse("intake:agreement_revoke", args=[booking.reference])
    assert client.post(revoke).status_code == 302
    acceptance.refresh_from_db()
    assert acceptance.revoked_at == acceptance.accepted_at + timedelta(minutes=5)
    assert [m.kind for m in missing_before_session(booking)] == ["agreement"]
    assert "revoked on" in client.get(page_url).content.decode()


def test_a_new_version_must_be_accepted_again(booking, practice, client_user):
    first = publish_agreement(practice)
    accept_agreement(first, client_user)
    assert missing_before_session(booking) == []
    second = publish_agreement(practice, text="Neue Fassung")
    assert [m.kind for m in missing_before_session(booking)] == ["agreement"]
    with pytest.raises(VersionChanged):  # the client read version 1 and accepts now
        accept_agreement(first, client_user)
    accept_agreement(second, client_user)
    assert missing_before_session(booking) == []


def test_a_pdf_is_stored_privately_and_served_only_to_the_coach_and_their_clients(
    client, booking, practice, client_user, settings
):
    client.force_login(practice.owner)
    content = pdf_bytes(2)
    response = client.post(reverse("intake:agreement_edit"), {"upload": _upload(content)})
    assert response.status_code == 302
    version = AgreementVersion.objects.get(practice=practice)
    assert version.text == "" and version.pdf.name == f"agreements/{practice.pk}/v1.pdf"
    assert version.pdf.storage.location == settings.STORAGES["private"]["OPTIONS"]["location"]
    url = reverse("intake:agreement_pdf", args=[version.pk])
    for person in (practice.owner, client_user):
        client.force_login(person)
        got = client.get(url)
        assert got.status_code == 200 and b"".join(got.streaming_content) == content
    for outsider in (UserFactory(), UserFactory(is_staff=True, is_superuser=True)):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


def test_a_text_file_becomes_the_agreement_text(client, practice):
    client.force_login(practice.owner)
    upload = _upload("Vereinbarung über Coaching\n".encode(), "v.txt", "text/plain")
    assert client.post(reverse("intake:agreement_edit"), {"upload": upload}).status_code == 302
    version = AgreementVersion.objects.get()
    assert version.text == "Vereinbarung über Coaching\n" and not version.pdf


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(200),  # an image named .pdf
        b"%PDF-1.7\nnot really a pdf",  # the header without a document
        b"MZ\x90\x00\x03" + bytes(100),  # a program
        b"%PDF-1.4\n" + b"x" * (5 * 1024 * 1024),  # too large
    ],
)
def test_an_upload_that_is_not_a_pdf_or_text_is_a_400(client, practice, content):
    client.force_login(practice.owner)
    response = client.post(reverse("intake:agreement_edit"), {"upload": _upload(content)})
    assert response.status_code == 400
    assert response.context["form"].errors["upload"]
    assert not AgreementVersion.objects.exists()


def test_text_and_file_together_or_neither_is_a_400(client, practice):
    client.force_login(practice.owner)
    url = reverse("intake:agreement_edit")
    assert client.post(url, {"text": "a", "upload": _upload(pdf_bytes())}).status_code == 400
    assert client.post(url, {"text": "  "}).status_code == 400
    assert client.post(url, {"text": "x" * 50_001}).status_code == 400
    assert not AgreementVersion.objects.exists()


def test_removing_the_agreement_requires_nothing_any_more(client, booking, practice):
    publish_agreement(practice)
    client.force_login(practice.owner)
    assert client.post(reverse("intake:agreement_edit"), {"remove": "1"}).status_code == 302
    assert AgreementVersion.objects.filter(practice=practice).count() == 2
    assert missing_before_session(booking) == []


def test_the_join_page_says_what_is_missing_with_links(client, booking, practice, client_user):
    from tests.intake.helpers import publish_form

    publish_form(practice)
    publish_agreement(practice)
    client.force_login(client_user)
    page = client.get(reverse("video:join", args=[booking.reference])).content.decode()
    assert reverse("intake:answer", args=[booking.reference]) in page
    assert reverse("intake:agreement", args=[booking.reference]) in page
    client.force_login(practice.owner)
    page = client.get(reverse("video:join", args=[booking.reference])).content.decode()
    assert "The client has not done this yet" in page or "noch nicht" in page
    assert reverse("intake:answer", args=[booking.reference]) not in page


def test_my_sessions_lists_what_is_open_once_per_coach(client, booking, practice, client_user):
    from tests.bookings.fixtures import paid_booking  # noqa: F401 - same practice, second slot

    publish_agreement(practice)
    client.force_login(client_user)
    page = client.get(reverse("bookings:mine")).content.decode()
    assert page.count(reverse("intake:agreement", args=[booking.reference])) == 1
    assert TUESDAY_10  # the booking fixture's session is ahead
