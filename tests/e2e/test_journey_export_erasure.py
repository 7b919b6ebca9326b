"""Journey 5: the client downloads their data export and deletes their account; signing in fails
afterwards; the coach still sees the past session, anonymised.

The export and the erasure are Celery tasks queued on commit; `celery_eager` runs them in the
live server's thread through Celery's apply(). The client's future session is refunded by the
erasure through the real PayPal SDK code into the fake (`paypal`).
"""

import json
import re
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from coaching.bookings.models import Booking, BookingState
from coaching.payments.models import PaymentStatus
from coaching.practices.selectors import session_type_free_slots
from coaching.practices.services import practice_publish
from privacy.models import DataExport
from sofadoc.accounts.models import User
from tests.bookings.fixtures import paid_booking
from tests.e2e.conftest import reject_cookies, screenshot
from tests.factories import DEFAULT_PASSWORD, PracticeFactory, SessionTypeFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NAME = "Quirina Zettelmeyer"
EMAIL = "quirina.zettelmeyer@example.org"


@pytest.fixture
def sessions(paypal):
    """A session the client had with the coach last week, and a paid one still to come."""
    practice = PracticeFactory(name="Praxis Anna Berg", owner__display_name="Anna Berg")
    session_type = SessionTypeFactory(practice=practice, name="Coaching", price="80.00")
    practice_publish(practice=practice, actor=practice.owner)
    client = UserFactory(display_name=NAME, email=EMAIL)
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(days=6)
    past = Booking.objects.create(
        practice=practice,
        session_type=session_type,
        client=client,
        state=BookingState.COMPLETED,
        start=start,
        end=start + timedelta(minutes=60),
        blocked_start=start,
        blocked_end=start + timedelta(minutes=60),
        session_name="Coaching",
        price=Decimal("80"),
        cancellation_window_hours=24,
    )
    soon = timezone.now() + timedelta(days=3)
    slot = session_type_free_slots(
        session_type=session_type, start=soon, end=soon + timedelta(days=7)
    )[0]
    future = paid_booking(paypal, client=client, session_type=session_type, start=slot)
    return past, future


def test_client_exports_their_data_deletes_the_account_and_the_coach_sees_it_anonymised(
    signed_in_page, live_server, paypal, celery_eager, sessions, tmp_path
):
    past, future = sessions
    client, coach = past.client, past.practice.owner
    page = signed_in_page(client)
    reject_cookies(page, live_server.url + "/")

    # Export: the page asks for the password again first (allauth's reauthentication).
    page.goto(live_server.url + reverse("privacy:export"))
    assert "/reauthenticate/" in page.url
    page.get_by_label("Passwort").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_url(f"**{reverse('privacy:export')}")
    page.get_by_role("button", name="Meine Daten anfordern").click()
    expect(page.get_by_text("Wir stellen Ihre Daten zusammen.")).to_be_visible()
    row = page.locator("table tbody tr")
    assert row.count() == 1 and "Bereit" in row.inner_text()
    screenshot(page, "journey5-01-export-ready")
    ready_mails = [m for m in mail.outbox if "Ihre Daten stehen zum Download bereit" in m.subject]
    assert [m.to for m in ready_mails] == [[EMAIL]]

    with page.expect_download() as download_info:
        row.get_by_role("link", name="Herunterladen").click()
    download = download_info.value
    assert download.suggested_filename.startswith("sofadoc-data-")
    download.save_as(tmp_path / "export.zip")
    with zipfile.ZipFile(tmp_path / "export.zip") as archive:
        account = json.loads(archive.read("accounts.user.json"))
        bookings = json.loads(archive.read("bookings.booking.json"))
        assert "README.txt" in archive.namelist()
    assert account[0]["email"] == EMAIL and account[0]["display_name"] == NAME
    assert {b["reference"] for b in bookings} == {past.reference, future.reference}

    # Deletion: a confirmation box, then the account is closed and the client signed out.
    page.get_by_role("navigation", name="Konto").get_by_role("link", name="Konto löschen").click()
    screenshot(page, "journey5-02-delete-confirm")
    page.get_by_role("button", name="Mein Konto endgültig löschen").click()
    confirm = page.get_by_label("Mir ist bewusst")
    assert confirm.evaluate("box => box.validity.valueMissing"), "the box must be ticked first"
    assert User.objects.get(email=EMAIL).is_active
    confirm.check()
    page.get_by_role("button", name="Mein Konto endgültig löschen").click()
    expect(page.get_by_role("heading", name="Ihr Konto wird gelöscht")).to_be_visible()
    expect(page.get_by_role("link", name="Anmelden")).to_be_visible()
    screenshot(page, "journey5-03-deleted")
    assert not User.objects.filter(email=EMAIL).exists()
    future.refresh_from_db()
    assert future.state == BookingState.CANCELLED and future.client is None
    assert future.payments.get().status == PaymentStatus.REFUNDED
    assert len(paypal.requests_to("/refund")) == 1
    assert not DataExport.objects.exists(), "the export went with the account"

    # The old credentials no longer sign in: the normal error, nothing that tells more.
    page.goto(live_server.url + reverse("account_login"))
    page.get_by_label("E-Mail").fill(EMAIL)
    page.get_by_label("Passwort").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Anmelden", exact=True).click()
    expect(
        page.get_by_text("Die E-Mail-Adresse und/oder das Passwort sind leider falsch.")
    ).to_be_visible()
    assert reverse("account_login") in page.url
    screenshot(page, "journey5-04-login-fails")

    # The coach still has the past session, without the client's name or address.
    coach_page = signed_in_page(coach)
    week = timezone.localtime(past.start).date().isoformat()
    reject_cookies(coach_page, live_server.url + "/")
    coach_page.goto(live_server.url + reverse("bookings:coach") + f"?week={week}")
    entry = coach_page.locator(f"a[href='{reverse('bookings:detail', args=[past.reference])}']")
    assert "frühere/r Klient/in" in entry.inner_text()
    assert NAME not in coach_page.content() and EMAIL not in coach_page.content()
    screenshot(coach_page, "journey5-05-coach-week-anonymised")
    entry.click()
    expect(coach_page.locator("main .badge")).to_have_text("stattgefunden")
    expect(
        coach_page.get_by_text("mit einer früheren Klientin / einem früheren Klienten")
    ).to_be_visible()
    screenshot(coach_page, "journey5-06-coach-session-anonymised")
    assert NAME not in coach_page.content() and EMAIL not in coach_page.content()

    # The coach's message about the booking stays, without the client's name.
    coach_page.goto(live_server.url + reverse("notifications:list"))
    coach_page.get_by_role("link", name=re.compile("Neue Buchung")).click()
    message = coach_page.locator("main").inner_text()
    # Neither the body nor the subject ("Neue Buchung: <name> am …") names the client any more.
    assert "[…] hat für den" in message and NAME not in message
    screenshot(coach_page, "journey5-07-coach-message-anonymised")
