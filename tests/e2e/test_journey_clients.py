"""The coach-client relationship in the browser: the coach's client list, a client's page with
sessions, tasks, private notes and files, and the message thread on both sides; the client
writes a message and answers a task. Screenshots at 390 px (phone) and 1280 px (desktop) go to
test-artifacts/clients-*.png."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from coaching.clients import demo
from coaching.clients.models import Message, Relationship, Task
from coaching.practices.selectors import session_type_free_slots
from coaching.practices.services import practice_publish
from tests.bookings.fixtures import paid_booking
from tests.clients.people import fill_relationship
from tests.e2e.conftest import reject_cookies, screenshot
from tests.factories import PracticeFactory, SessionTypeFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}


@pytest.fixture
def coaching(paypal):
    practice = PracticeFactory(name="Praxis Anna Berger", owner__display_name="Dr. Anna Berger")
    session_type = SessionTypeFactory(practice=practice, name="Coaching", price="80.00")
    practice_publish(practice=practice, actor=practice.owner)
    jonas = UserFactory(display_name="Jonas Weber", email="jonas.weber@example.org")
    soon = timezone.now() + timedelta(days=3)
    slots = session_type_free_slots(
        session_type=session_type, start=soon, end=soon + timedelta(days=7)
    )
    paid_booking(paypal, client=jonas, session_type=session_type, start=slots[0])
    relationship = demo.seed(coach=practice.owner, client=jonas)
    for name in ("Mara Schulz", "Timo Brandt", "Lea Hoffmann"):
        other = Relationship.objects.create(
            practice=practice, client=UserFactory(display_name=name)
        )
        fill_relationship(other, "Guten Morgen, kurze Frage zur nächsten Sitzung.")
    return practice.owner, jonas, relationship


@pytest.mark.parametrize(("size", "viewport"), [("390", PHONE), ("1280", DESKTOP)])
def test_the_coach_sees_clients_a_clients_page_and_the_thread(
    signed_in_page, live_server, coaching, size, viewport
):
    coach, _jonas, relationship = coaching
    page = signed_in_page(coach, viewport=viewport)
    reject_cookies(page, live_server.url + reverse("clients:list"))
    expect(page.get_by_role("heading", name="Klienten", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Jonas Weber")).to_be_visible()
    screenshot(page, f"clients-list-{size}")

    page.get_by_role("link", name="Jonas Weber").click()
    expect(page.get_by_role("heading", name="Private Notizen")).to_be_visible()
    expect(page.get_by_text("nächstes Mal: Werte vertiefen")).to_be_visible()
    screenshot(page, f"clients-client-page-{size}")

    page.goto(live_server.url + reverse("clients:thread", args=[relationship.pk]))
    expect(page.get_by_text("Mache ich. Bis nächste Woche!")).to_be_visible()
    screenshot(page, f"clients-thread-coach-{size}")


@pytest.mark.parametrize(("size", "viewport"), [("390", PHONE), ("1280", DESKTOP)])
def test_the_client_writes_and_answers_a_task_but_never_sees_the_notes(
    signed_in_page, live_server, coaching, size, viewport
):
    _coach, jonas, relationship = coaching
    page = signed_in_page(jonas, viewport=viewport)
    reject_cookies(page, live_server.url + reverse("clients:threads"))
    page.get_by_role("link", name="Praxis Anna Berger").click()
    expect(page.get_by_text("Ich antworte Montag bis Donnerstag")).to_be_visible()
    expect(page.get_by_role("link", name="Arbeitsblatt Werte.pdf").first).to_be_visible()
    assert "Werte vertiefen" not in page.content()

    page.get_by_label("Ihre Nachricht").fill("Ich habe die Übung gemacht. **Danke!**")
    page.get_by_role("button", name="Senden").click()
    expect(page.get_by_text("Ich habe die Übung gemacht.")).to_be_visible()
    assert Message.objects.filter(relationship=relationship, sender_side="client").count() == 3

    task = Task.objects.get(relationship=relationship, state="open")
    page.locator(f"#answer-{task.pk}").fill("Energie: Sport. Kosten: Meetings.")
    page.locator(f"#done-{task.pk}").check()
    page.locator(f"form[action='{reverse('clients:task_answer', args=[task.pk])}'] button").click()
    expect(page.get_by_text("Ihre Antwort ist gespeichert.")).to_be_visible()
    task.refresh_from_db()
    assert task.state == "done"
    screenshot(page, f"clients-thread-client-{size}")
