"""Inbox ("Nachrichten"), header count, preferences page, welcome, news double opt-in,
open tracking with consent, and the admin delivery log."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.core import mail
from django.urls import reverse

from coaching.notifications.links import news_token
from coaching.notifications.models import Channel, Kind, Notification, Preferences, Status
from coaching.notifications.preferences import preferences_update
from coaching.notifications.queueing import notification_queue
from coaching.notifications.tasks import deliver, send_due_reminders, send_news
from tests.factories import NotificationFactory, UserFactory
from tests.mail import deliver_queued
from tests.queries import pinned_queries

pytestmark = pytest.mark.django_db


def welcome(user):
    rows = notification_queue(recipient=user, kind=Kind.WELCOME)
    for row in rows:
        deliver.apply(args=[row.pk])
    return Notification.objects.get(recipient=user, channel=Channel.INBOX)


@pytest.fixture
def person(client):
    user = UserFactory(language="en")
    client.force_login(user)
    return user


def test_inbox_lists_own_messages_and_the_header_counts_unread(client, person):
    message = welcome(person)
    welcome(UserFactory())  # someone else's

    response = client.get(reverse("notifications:list"))

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [message]
    header = response.content.decode()
    assert re.search(r'class="badge" aria-label="1 unread">1<', header)


def test_the_inbox_page_has_a_fixed_number_of_queries(client, person):
    for _ in range(3):
        welcome(UserFactory())
    welcome(person)
    client.get(reverse("notifications:list"))  # warm up sessions, preferences
    # count (paginator), page; the session, user and the header's unread count from Redis
    with pinned_queries(2):
        client.get(reverse("notifications:list"))


def test_opening_a_message_marks_it_read(client, person):
    message = welcome(person)
    response = client.get(reverse("notifications:detail", args=[message.pk]))
    assert response.status_code == 200 and "account is ready" in response.content.decode()
    message.refresh_from_db()
    assert message.read_at is not None
    assert 'aria-label="1 unread"' not in client.get(reverse("notifications:list")).content.decode()


def test_others_messages_are_404(client, person):
    theirs = welcome(UserFactory())
    assert client.get(reverse("notifications:detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(client, person):
    welcome(person)
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=person, read_at__isnull=True).exclude(
        channel=Channel.EMAIL
    )


def test_inbox_needs_login(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and "login" in response.url


def test_welcome_follows_email_confirmation_once(rf):
    user = UserFactory(language="de")
    address = EmailAddress.objects.get(user=user)
    email_confirmed.send(sender=EmailAddress, request=rf.get("/"), email_address=address)
    email_confirmed.send(sender=EmailAddress, request=rf.get("/"), email_address=address)
    send_due_reminders.apply()
    assert [m.subject for m in mail.outbox] == ["Willkommen bei SofaDoc"]
    assert "Guten Tag" in mail.outbox[0].body


def test_preferences_page_explains_why_service_messages_stay_on(client, person):
    response = client.get(reverse("notifications:preferences"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "privacy policy" in page and "cannot be switched off entirely" in page
    # SMS choices are disabled until a mobile number is confirmed.
    assert response.context["form"].fields["sms_reminders"].disabled
    assert 'href="/account/notifications/"' in page  # linked in the account navigation


def test_preferences_are_saved(client, person):
    response = client.post(
        reverse("notifications:preferences"),
        {"reminder_timing": "1h", "open_tracking": "on", "sms_reminders": "on"},
    )
    assert response.status_code == 302
    prefs = Preferences.objects.get(user=person)
    assert prefs.reminder_timing == "1h" and prefs.open_tracking
    assert not prefs.sms_reminders  # disabled field: ignored without a confirmed number


def test_preferences_reject_bad_input_with_a_message(client, person):
    response = client.post(reverse("notifications:preferences"), {"reminder_timing": "weekly"})
    assert response.status_code == 200
    assert response.context["form"].errors["reminder_timing"]


def test_news_double_opt_in_and_one_click_unsubscribe(client, person):
    client.post(reverse("notifications:news_subscribe"))
    send_due_reminders.apply()
    [confirm_mail] = mail.outbox
    assert confirm_mail.subject == "Please confirm your subscription to SofaDoc news"
    assert not Preferences.objects.get(user=person).news_confirmed_at  # not before confirming

    url = re.search(r"http://\S+/news/confirm/\S+/", confirm_mail.body).group(0)
    path = url.removeprefix("http://127.0.0.1:8000")
    assert client.get(path).status_code == 200  # a link scanner's GET changes nothing
    assert not Preferences.objects.get(user=person).news_confirmed_at
    client.post(path)
    assert Preferences.objects.get(user=person).news_confirmed_at

    mail.outbox.clear()
    assert send_news.apply(args=["Neu bei SofaDoc", "Tipps"]).get() == 1
    deliver_queued()
    [news] = mail.outbox
    unsubscribe = news.extra_headers["List-Unsubscribe"].strip("<>")
    assert news.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in news.body
    # RFC 8058: the mail client POSTs without our cookies or CSRF token.
    anonymous = client.__class__(enforce_csrf_checks=True)
    response = anonymous.post(unsubscribe.removeprefix("http://127.0.0.1:8000"))
    assert response.status_code == 200
    assert not Preferences.objects.get(user=person).news_confirmed_at


def test_an_old_confirmation_link_does_not_subscribe_again_after_unsubscribing(client, person):
    client.post(reverse("notifications:news_subscribe"))
    send_due_reminders.apply()
    confirm = re.search(r"/news/confirm/\S+/", mail.outbox[0].body).group(0)
    assert client.post(confirm).status_code == 200
    unsubscribe = reverse("notifications:news_unsubscribe", args=[news_token(person)])
    client.post(unsubscribe)

    again = client.post(confirm)  # the old mail is still in the mailbox

    assert again.status_code == 410
    assert not Preferences.objects.get(user=person).news_confirmed_at
    # Nor does an unsubscribe link (in every news mail) work as a confirmation.
    token = unsubscribe.rstrip("/").rsplit("/", 1)[1]
    assert client.post(reverse("notifications:news_confirm", args=[token])).status_code == 404


def test_a_forged_unsubscribe_token_is_404(client):
    assert client.post("/news/unsubscribe/forged/").status_code == 404


def test_open_tracking_only_with_consent(client, person):
    welcome(person)
    plain = mail.outbox[-1].alternatives[0][0]
    assert "<img" not in plain

    preferences_update(user=person, open_tracking=True)
    other = UserFactory()
    preferences_update(user=other, open_tracking=True)
    Notification.objects.all().delete()
    welcome(person)
    html = mail.outbox[-1].alternatives[0][0]
    pixel = re.search(r'<img src="http://127.0.0.1:8000(/messages/opened/[^"]+/)"', html).group(1)
    row = Notification.objects.get(recipient=person, channel=Channel.EMAIL)
    assert not row.opened
    response = client.get(pixel)
    assert response.status_code == 200 and response["Content-Type"] == "image/gif"
    row.refresh_from_db()
    assert row.opened

    # Withdrawn consent: nothing is recorded any more.
    row.opened = False
    row.save()
    preferences_update(user=person, open_tracking=False)
    client.get(pixel)
    row.refresh_from_db()
    assert not row.opened


def test_admin_delivery_log_is_read_only_and_can_resend(admin_client):
    user = UserFactory()
    welcome(user)
    email_row = Notification.objects.get(recipient=user, channel=Channel.EMAIL)
    changelist = reverse("admin:notifications_notification_changelist")

    response = admin_client.get(changelist + "?status=sent")
    assert response.status_code == 200 and user.display_name in response.content.decode()
    change = reverse("admin:notifications_notification_change", args=[email_row.pk])
    assert admin_client.post(change, {"status": "queued"}).status_code == 403

    response = admin_client.post(
        changelist, {"action": "resend", "_selected_action": [email_row.pk]}
    )
    assert response.status_code == 302
    send_due_reminders.apply()
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(recipient=user, channel=Channel.EMAIL).count() == 2
    assert set(Notification.objects.filter(recipient=user).values_list("status", flat=True)) == {
        Status.SENT
    }


def test_admin_shows_preferences_read_only(admin_client):
    user = UserFactory()
    preferences_update(user=user, open_tracking=True)
    prefs = Preferences.objects.get(user=user)
    url = reverse("admin:notifications_preferences_change", args=[prefs.pk])
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"open_tracking": ""}).status_code == 403
    assert Preferences.objects.get(user=user).open_tracking


def test_news_go_only_to_confirmed_subscribers_with_the_unsubscribe_header():
    from coaching.notifications.news import news_confirm, news_request

    subscriber, asked_only, nobody = UserFactory(), UserFactory(), UserFactory()
    news_request(user=subscriber)
    news_confirm(user=subscriber)
    news_request(user=asked_only)  # never clicked the link

    assert send_news.apply(args=["SofaDoc news", "Tipps für Ihre Sitzung"]).get() == 1
    # The same news again queues nothing more (its fingerprint is the key).
    assert send_news.apply(args=["SofaDoc news", "Tipps für Ihre Sitzung"]).get() == 0
    [row] = Notification.objects.filter(kind="news")
    assert (row.recipient, row.channel, row.status) == (subscriber, "email", "queued")
    assert deliver.apply(args=[row.pk]).get() == "sent"  # by the worker, through the task
    news = [m for m in mail.outbox if m.subject == "SofaDoc news"]
    assert [m.to for m in news] == [[subscriber.email]]
    assert news[0].extra_headers["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/news/")
    assert nobody.email not in {m.to[0] for m in mail.outbox}


def test_the_header_count_follows_the_inbox_at_once(client, person):
    """Cached per person, the unread count still changes the moment a message arrives (through
    delivery or the ORM), is read, or goes."""
    url = reverse("notifications:list")

    def badge():
        return client.get(url).content.decode().split("</header>")[0].count(" unread")

    assert badge() == 0  # cached now: none
    first = welcome(person)  # delivered by the task (SQL, no signal)
    assert 'aria-label="1 unread"' in client.get(url).content.decode()
    second = NotificationFactory(  # a sent inbox message
        recipient=person, sent_at=first.sent_at, subject="Noch eine", key="second"
    )
    assert 'aria-label="2 unread"' in client.get(url).content.decode()
    client.get(reverse("notifications:detail", args=[first.pk]))  # opened: read
    assert 'aria-label="1 unread"' in client.get(url).content.decode()
    second.delete()
    assert badge() == 0
