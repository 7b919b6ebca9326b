"""Journey 1: a new coach signs up, confirms the e-mail address, sets up the practice step by step
and publishes it; the practice is then in the public directory. German UI throughout."""

import io
import re

import pytest
from django.core import mail
from PIL import Image
from playwright.sync_api import expect

from coaching.practices.models import Practice
from tests.e2e.conftest import screenshot
from tests.mail import deliver_queued

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "mira.coach@example.org"
PASSWORD = "Sofa-Doc-2026-Journey!"
CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+/")


def small_jpeg() -> bytes:
    """A real 240x240 JPEG, as a phone would upload it (the server crops and re-encodes)."""
    image = Image.new("RGB", (240, 240), (74, 120, 160))
    for x in range(60, 180):
        for y in range(60, 180):
            image.putpixel((x, y), (240, 200, 150))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 860})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.base = live_server.url
    yield page
    context.close()


def save_and_expect(page, button: str, message: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()
    assert page.locator(".messages, [role=status], .alert").filter(has_text=message).count(), (
        f"expected {message!r} on {page.url}"
    )


def test_a_new_coach_signs_up_sets_up_and_publishes_the_practice(page, settings, live_server):
    settings.PAYPAL_MODE = "twin"  # PayPal's sign-up page is played by the sandbox twin
    settings.SITE_URL = live_server.url
    # Sign up on allauth's page; the three consents are unticked and must be ticked by hand.
    page.goto(page.base + "/")
    page.locator("#cookie-banner").get_by_role("button", name="Alle ablehnen").click()
    page.get_by_role("link", name="Registrieren").first.click()
    expect(page.get_by_role("heading", name="Registrieren")).to_be_visible()
    page.get_by_label("Anzeigename").fill("Mira")
    page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    page.get_by_label("Passwort:", exact=True).fill(PASSWORD)
    page.get_by_label("Passwort (Wiederholung)").fill(PASSWORD)
    consents = [
        page.get_by_label("Ich bin mindestens 18 Jahre alt."),
        page.get_by_label("Ich akzeptiere die Allgemeinen Geschäftsbedingungen."),
        page.get_by_label("Ich willige in die Datenschutzerklärung ein."),
    ]
    assert not any(box.is_checked() for box in consents), "consents are never pre-ticked"
    for box in consents:
        box.check()
    screenshot(page, "journey1-01-signup")
    page.locator("form").get_by_role("button", name="Registrieren").click()
    page.wait_for_load_state()
    assert "/accounts/confirm-email/" in page.url
    expect(page.get_by_text(EMAIL).first).to_be_visible()

    # The verification mail is a row of the delivery log, queued by the request and sent by
    # the worker (here: the real task, run from the test).
    assert set(deliver_queued()) == {"sent"}
    [verification] = [m for m in mail.outbox if EMAIL in m.to]
    assert "E-Mail" in verification.subject, verification.subject  # German, like the UI
    assert verification.alternatives, "SofaDoc's HTML part as well"
    link = CONFIRM_LINK.search(verification.body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Bestätigen").click()
    page.wait_for_load_state()

    # Signed in by the confirmation; open the practice from the main navigation.
    page.get_by_role("link", name="Meine Praxis").click()
    expect(page.get_by_role("heading", name="Praxis eröffnen")).to_be_visible()
    page.get_by_label("Name der Praxis").fill("Mira Berger Coaching")
    page.get_by_label("Webadresse").fill("mira-berger")
    page.get_by_role("button", name="Praxis anlegen").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Praxis einrichten")).to_be_visible()
    assert page.get_by_role("button", name="Veröffentlichen").is_disabled()
    screenshot(page, "journey1-02-checklist-before")

    # Profile with topics and languages.
    page.locator(".account-nav").get_by_role("link", name="Profil").click()
    page.get_by_label("Überschrift").fill("Klarheit für Ihre nächste berufliche Entscheidung")
    page.get_by_label("Über Sie").fill(
        "Ich begleite Menschen in beruflichen Umbrüchen.\nZehn Jahre Erfahrung als Coach."
    )
    page.get_by_label("Karriere & Beruf").check()
    page.get_by_label("Deutsch").check()
    save_and_expect(page, "Speichern", "Ihr Profil ist gespeichert.")

    # Photo: a small generated JPEG through the real file input.
    page.locator(".account-nav").get_by_role("link", name="Foto").click()
    page.get_by_label("Foto").set_input_files(
        {"name": "mira.jpg", "mimeType": "image/jpeg", "buffer": small_jpeg()}
    )
    save_and_expect(page, "Foto hochladen", "Ihr Foto ist gespeichert.")

    # A session type with a price.
    page.locator(".account-nav").get_by_role("link", name="Sitzungsarten").click()
    page.get_by_role("link", name="Sitzungsart hinzufügen").click()
    page.get_by_label("Name").fill("Karriere-Coaching")
    page.get_by_label("Beschreibung").fill("Eine Stunde für Ihre Fragen rund um den Beruf.")
    page.get_by_label("Dauer (Minuten)").fill("50")
    page.get_by_label("Preis in EUR").fill("90")
    save_and_expect(page, "Speichern", "Die Sitzungsart ist gespeichert.")
    expect(page.get_by_role("cell", name="Karriere-Coaching")).to_be_visible()
    expect(page.get_by_role("cell", name="90,00 €")).to_be_visible()

    # Weekly hours: Monday to Friday 9:00-17:00 (in the practice's time zone).
    page.locator(".account-nav").get_by_role("link", name="Wochenzeiten").click()
    for day in ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag"):
        page.get_by_label(f"{day}, Zeitfenster 1, ab").fill("09:00")
        page.get_by_label(f"{day}, Zeitfenster 1, bis").fill("17:00")
    save_and_expect(page, "Wochenzeiten speichern", "Ihre Wochenzeiten sind gespeichert.")

    # Booking rules: two hours' notice, free cancellation until 24 hours before.
    page.locator(".account-nav").get_by_role("link", name="Buchungsregeln").click()
    page.get_by_label("Mindestvorlauf (Stunden)").fill("2")
    page.get_by_label("Kostenlose Stornierung bis (Stunden vor Beginn)").fill("24")
    save_and_expect(page, "Speichern", "Ihre Buchungsregeln sind gespeichert.")

    # Receipt details.
    page.locator(".account-nav").get_by_role("link", name="Angaben für Belege").click()
    page.get_by_label("Name auf Zahlungsbelegen").fill("Mira Berger")
    page.get_by_label("Geschäftsanschrift").fill("Lindenstraße 5\n10969 Berlin")
    page.get_by_label("Steuernummer oder USt-IdNr.").fill("12/345/67890")
    page.get_by_label("Kleinunternehmer (§ 19 UStG): keine Umsatzsteuer").check()
    save_and_expect(page, "Speichern", "Ihre Angaben für Zahlungsbelege sind gespeichert.")

    # A paid session needs the coach's own PayPal: connected through the twin's sign-up page.
    page.locator(".account-nav").get_by_role("link", name="PayPal").click()
    page.get_by_role("button", name="PayPal verbinden").click()
    page.get_by_role("button", name="Zustimmen und zurück zu SofaDoc").click()
    expect(page.get_by_text("PayPal ist verbunden.")).to_be_visible()
    page.locator(".account-nav").get_by_role("link", name="Checkliste").click()

    # Everything required is done: publish.
    expect(page.get_by_role("heading", name="Praxis einrichten")).to_be_visible()
    # Only the optional steps are open: time off and the calendar connection.
    assert page.locator(".checklist-step:not(.is-done)").count() == 2
    save_and_expect(page, "Veröffentlichen", "Ihre Praxis ist veröffentlicht.")
    expect(page.locator(".badge-success", has_text="Veröffentlicht")).to_be_visible()
    # "Unpublish" is the quiet choice: an outline button (its class once lost to the bare
    # submit-button rule, which painted every submit button solid green).
    unpublish = page.get_by_role("button", name="Verbergen")
    background, text = unpublish.evaluate(
        "b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]"
    )
    assert text != "rgb(255, 255, 255)" and background != text
    screenshot(page, "journey1-03-checklist-published")

    practice = Practice.objects.get(slug="mira-berger")
    assert practice.is_published and practice.photo
    assert practice.owner.email == EMAIL

    # Anyone (a fresh visitor) finds the practice in the directory and opens its page.
    visitor = page.context.browser.new_context(
        locale="de-DE", viewport={"width": 1280, "height": 860}
    )
    try:
        public = visitor.new_page()
        public.goto(page.base + "/")
        public.locator("#cookie-banner").get_by_role("button", name="Alle ablehnen").click()
        public.get_by_role("link", name="Coach finden").click()
        public.get_by_label("Suche").fill("Karriere")
        public.get_by_role("button", name="Coaches anzeigen").click()
        public.wait_for_load_state()
        card = public.locator(".practice-list li", has_text="Mira Berger Coaching")
        assert card.count() == 1
        assert card.get_by_text("90,00 €").count()
        card.get_by_role("link", name="Mira Berger Coaching").first.click()
        public.wait_for_load_state()
        assert public.url.endswith("/coaches/mira-berger/")
        expect(public.get_by_role("heading", name="Mira Berger Coaching")).to_be_visible()
        assert public.locator(".practice-header img").count() == 1, "the uploaded photo is shown"
        assert public.locator("a.slot").count() > 0, "free times are offered"
        screenshot(public, "journey1-04-practice-page")
    finally:
        visitor.close()
