"""The intake questionnaire and the agreement in a real browser, on a phone and a desktop: the
client answers and accepts; the coach edits the questionnaire and reads the answers."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from coaching.bookings.models import Booking, BookingState
from coaching.intake.demo import AGREEMENT, QUESTIONS
from coaching.intake.models import AgreementAcceptance, IntakeAnswer
from coaching.intake.services import agreement_publish, intake_form_publish
from tests.e2e.conftest import reject_cookies, screenshot
from tests.factories import PracticeFactory, SessionTypeFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

VIEWPORTS = {"390": {"width": 390, "height": 844}, "1280": {"width": 1280, "height": 860}}


@pytest.fixture
def booked():
    practice = PracticeFactory(name="Praxis Berger", owner__display_name="Dr. Anna Berger")
    session_type = SessionTypeFactory(practice=practice)
    start = timezone.now() + timedelta(days=2)
    booking = Booking.objects.create(
        practice=practice,
        session_type=session_type,
        client=UserFactory(display_name="Jonas Weber"),
        state=BookingState.CONFIRMED,
        start=start,
        end=start + timedelta(minutes=60),
        blocked_start=start,
        blocked_end=start + timedelta(minutes=60),
        session_name="Erstgespräch",
        price=Decimal("80"),
        cancellation_window_hours=24,
    )
    intake_form_publish(practice=practice, actor=practice.owner, questions=QUESTIONS)
    agreement_publish(practice=practice, actor=practice.owner, text=AGREEMENT)
    return booking


@pytest.mark.parametrize("width", ["390", "1280"])
def test_the_client_answers_and_accepts_and_the_coach_reads_it(
    signed_in_page, live_server, booked, width
):
    viewport = VIEWPORTS[width]
    page = signed_in_page(booked.client, viewport=viewport)
    reject_cookies(page, live_server.url + reverse("bookings:mine"))
    expect(page.get_by_text("Vor Ihren nächsten Sitzungen:")).to_be_visible()
    page.get_by_role("link", name="Jetzt beantworten").click()
    expect(page.get_by_role("heading", name="Aufnahmefragebogen")).to_be_visible()
    screenshot(page, f"intake-answer-client-{width}")

    page.get_by_label("Was möchten Sie im Coaching erreichen?").fill(
        "Klarer entscheiden, ob ich eine Führungsrolle annehme."
    )
    page.get_by_role("radio", name="Führung").check()
    page.get_by_role("radio", name="7", exact=True).check()
    page.get_by_role("button", name="Antworten senden").click()
    expect(page.get_by_text("Vielen Dank. Ihre Antworten liegen Ihrem Coach vor.")).to_be_visible()
    assert IntakeAnswer.objects.filter(response__client=booked.client).count() == 3

    page.get_by_role("link", name="Coaching-Vereinbarung").click()
    page.get_by_label("Ich habe die Coaching-Vereinbarung gelesen und stimme ihr zu.").check()
    screenshot(page, f"intake-agreement-client-{width}")
    page.get_by_role("button", name="Zustimmen").click()
    expect(page.get_by_text("Sie haben der Coaching-Vereinbarung zugestimmt.")).to_be_visible()
    assert AgreementAcceptance.objects.filter(client=booked.client).exists()

    coach = signed_in_page(booked.practice.owner, viewport=viewport)
    reject_cookies(coach, live_server.url + reverse("bookings:detail", args=[booked.reference]))
    answer = coach.get_by_text("Klarer entscheiden, ob ich eine Führungsrolle annehme.")
    expect(answer).to_be_visible()
    expect(coach.get_by_text("7 / 10")).to_be_visible()
    screenshot(coach, f"intake-booking-coach-{width}")

    coach.goto(live_server.url + reverse("intake:form_edit"))
    expect(coach.get_by_role("heading", name="Aufnahmefragebogen")).to_be_visible()
    screenshot(coach, f"intake-editor-coach-{width}")
