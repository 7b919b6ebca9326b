"""One mail path: the mails that used to be sent directly (privacy, payments, billing, news,
allauth) are rows of the delivery log, sent by the worker through the real task, retried when
the mail server is down, and queued once per key; links render as buttons."""

from datetime import date

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from coaching.notifications.models import Channel, Kind, Notification, Status
from coaching.notifications.news import news_confirm, news_request, news_send
from coaching.notifications.queueing import mail_queue_row
from coaching.notifications.tasks import deliver, send_due_reminders
from coaching.notifications.templatetags.message_html import message_html
from coaching.payments.staff_mail import staff_mail_queue
from privacy.data_requests import data_requests_alert
from privacy.models import DataRequest, SupportRequest
from privacy.notifications import erasure_done_mail
from privacy.services import support_request_deliver
from sofadoc import mail as mail_seam
from tests.accounts.test_adapter import SIGNUP
from tests.factories import UserFactory
from tests.mail import deliver_queued

pytestmark = pytest.mark.django_db

MAIL_DOWN = "tests.notifications.broken_mail.EmailBackend"
MAIL_UP = "django.core.mail.backends.locmem.EmailBackend"


def _erasure(settings) -> str:
    erasure_done_mail(erasure_pk=41, address="gone@example.org", language="en")
    return "gone@example.org"


def _support(settings) -> str:
    item = SupportRequest.objects.create(
        name="Ida", email="ida@example.org", subject="Kamera", message="Geht nicht"
    )
    support_request_deliver(item=item)
    return settings.SUPPORT_EMAIL


def _dispute(settings) -> str:
    staff_mail_queue(
        kind="dispute_staff",
        facts={
            "dispute_id": "PP-D-7",
            "capture_id": "CAP-1",
            "practice_id": 1,
            "purchase_id": 2,
            "amount": "80.00",
            "currency": "EUR",
            "reason": "-",
            "state": "open",
        },
    )
    return settings.SUPPORT_EMAIL


def _data_request(settings) -> str:
    settings.PRIVACY_REQUESTS_EMAIL = "dsb@sofadoc.example"
    DataRequest.objects.create(
        kind=DataRequest.Kind.ACCESS,
        channel="letter",
        requester_name="Eva",
        received_on=date(2020, 1, 1),  # long overdue
    )
    assert data_requests_alert() == {"warning": 0, "due": 1}
    return "dsb@sofadoc.example"


def _news(settings) -> str:
    subscriber = UserFactory(email="leser@example.org")
    news_request(user=subscriber)
    news_confirm(user=subscriber)
    Notification.objects.filter(kind=Kind.NEWS_CONFIRM).delete()  # not what is under test
    news_send(subject="Neu", text="Tipps")
    return "leser@example.org"


@pytest.mark.parametrize(
    "queue",
    [_erasure, _support, _dispute, _data_request, _news],
    ids=["erasure", "support", "staff alert", "data request", "news"],
)
def test_a_formerly_direct_mail_is_a_row_the_worker_sends_and_the_scan_retries(queue, settings):
    settings.EMAIL_BACKEND = MAIL_DOWN
    to = queue(settings)

    [row] = Notification.objects.all()
    assert (row.channel, row.status) == (Channel.EMAIL, Status.QUEUED)
    assert not mail.outbox, "nothing is sent in the caller's transaction"
    assert deliver.apply(args=[row.pk]).get() == Status.FAILED
    row.refresh_from_db()
    assert row.attempts == 1 and "SMTPServerDisconnected" in row.reason

    settings.EMAIL_BACKEND = MAIL_UP
    assert send_due_reminders.apply().get() == 1  # the minute scan retries it
    row.refresh_from_db()
    assert (row.status, row.attempts, row.payload) == (Status.SENT, 2, "")
    [message] = mail.outbox
    assert message.to == [to]
    assert message.alternatives and message.alternatives[0][1] == "text/html"


def test_a_mail_to_an_address_is_queued_once_and_forgets_an_erased_persons_address():
    assert erasure_done_mail(erasure_pk=9, address="gone@example.org", language="en") == 1
    assert erasure_done_mail(erasure_pk=9, address="gone@example.org", language="en") == 0

    [row] = Notification.objects.all()
    assert (row.recipient, row.language, row.key) == (None, "en", "erasure:9")
    assert deliver_queued() == [Status.SENT]
    [message] = mail.outbox
    assert message.to == ["gone@example.org"]
    assert message.subject == "Your account has been deleted"
    assert message.body.startswith("Hello,\n\n")  # no name: the account is gone
    row.refresh_from_db()
    # "We have not kept your address"; nor what it said.
    assert (row.address, row.subject) == ("", "")


def test_a_row_without_recipient_needs_an_address_until_it_is_sent():
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(kind="erasure_done", channel=Channel.EMAIL, key="erasure:1")


def test_the_apps_below_reach_the_log_through_the_seam_notifications_installs():
    assert mail_seam._queue is mail_queue_row
    with pytest.raises(ValueError):
        mail_seam.mail_queue(kind="erasure_done", key="erasure:2")


def test_support_mail_replies_to_the_person_and_keeps_their_words_out_of_the_log(settings):
    _support(settings)
    assert deliver_queued() == [Status.SENT]
    [message] = mail.outbox
    item = SupportRequest.objects.get()
    assert message.subject == f"[SofaDoc support SR-{item.pk}] Kamera"
    assert message.reply_to == ["ida@example.org"]
    assert "Ida <ida@example.org>" in message.body and "Geht nicht" in message.body
    row = Notification.objects.get()
    assert row.subject == "" and row.body == ""


def test_news_carry_the_one_click_unsubscribe_and_skip_who_unsubscribed_meanwhile(settings):
    from coaching.notifications.news import news_unsubscribe

    _news(settings)
    gone = UserFactory()
    news_request(user=gone)
    news_confirm(user=gone)
    news_send(subject="Noch mehr", text="Tipps")
    news_unsubscribe(user=gone)

    deliver_queued()
    news = Notification.objects.filter(kind="news")
    assert sorted(news.values_list("recipient__email", "status")) == sorted(
        [
            (gone.email, Status.SKIPPED),  # unsubscribed after it was queued
            ("leser@example.org", Status.SENT),
            ("leser@example.org", Status.SENT),
        ]
    )
    news_mails = [m for m in mail.outbox if m.subject in ("Neu", "Noch mehr")]
    assert [m.to for m in news_mails] == [["leser@example.org"]] * 2
    assert all(m.extra_headers["List-Unsubscribe-Post"] for m in news_mails)


# --- allauth ----------------------------------------------------------------------------------
def test_the_signup_confirmation_is_sofadocs_own_german_mail_with_an_html_part(client):
    response = client.post(reverse("account_signup"), SIGNUP, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 302
    [row] = Notification.objects.filter(kind="account")
    assert row.recipient.email == "mara@example.org" and row.status == Status.QUEUED
    assert "confirm-email" in row.payload  # kept (encrypted) until it is sent
    assert deliver_queued() == [Status.SENT]

    [message] = mail.outbox
    assert message.subject == (
        "[SofaDoc] Willkommen bei SofaDoc: Bitte bestätigen Sie Ihre E-Mail-Adresse"
    )
    assert message.body.startswith(
        "Guten Tag Mara,\n\nvielen Dank für Ihre Registrierung bei SofaDoc."
    )
    assert message.body.rstrip().endswith("Ihr SofaDoc-Team")
    # Neither allauth's stock text nor the host as the sender's name.
    assert "Hallo von" not in message.body and "Hello from" not in message.body
    assert "127.0.0.1:8000" not in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "SofaDoc" in html
    # The link is a button, not a raw address.
    assert ">E-Mail-Adresse bestätigen</a>" in html and "/accounts/confirm-email/" in html
    row.refresh_from_db()
    assert (row.payload, row.address) == ("", "")


def test_a_reset_for_an_unknown_address_goes_to_that_address_in_the_asked_language(client):
    client.post(
        reverse("account_reset_password"),
        {"email": "nobody@example.org"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    [row] = Notification.objects.filter(kind="account")
    assert (row.recipient, row.address, row.language) == (None, "nobody@example.org", "en")
    assert deliver_queued() == [Status.SENT]
    [message] = mail.outbox
    assert message.to == ["nobody@example.org"] and message.subject.startswith("[SofaDoc] ")
    assert "Hello," in message.body


# --- links as buttons -------------------------------------------------------------------------
def test_a_link_line_is_a_button_and_text_stays_escaped():
    html = message_html(
        "Hallo <b>Mara</b>,\n\n"
        "Ihre Buchung öffnen: https://sofadoc.example/bookings/AB12/\n\n"
        "A long sentence that explains what the link is for before it comes, so it is kept "
        "as text: https://sofadoc.example/a/\n"
        "See https://sofadoc.example/b/ in a sentence.\n"
        "https://sofadoc.example/c/"
    )
    assert "&lt;b&gt;Mara&lt;/b&gt;" in html
    assert (
        '<a class="button" href="https://sofadoc.example/bookings/AB12/">Ihre Buchung öffnen</a>'
        in html
    )
    assert "so it is kept as text" in html
    assert '<a class="button" href="https://sofadoc.example/a/">Open link</a>' in html
    assert '<a href="https://sofadoc.example/b/"' in html  # a link inside a sentence stays one
    assert 'class="button" href="https://sofadoc.example/b/"' not in html
    assert '<a class="button" href="https://sofadoc.example/c/">Open link</a>' in html
    assert "style=" in message_html("Go: https://sofadoc.example/", "email")
