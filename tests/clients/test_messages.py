"""Sending and reading messages: the notification says only that a message waits; the text
stays out of the delivery log, the logs and the admin."""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from coaching.clients.models import Message, SharedFile
from coaching.clients.selectors import unread_count_cached
from coaching.notifications.models import Channel, Notification
from coaching.notifications.tasks import deliver
from tests.clients.conftest import pdf_bytes

pytestmark = pytest.mark.django_db

SECRET = "Mein Chef schreit mich jeden Morgen an"


def _deliver_all():
    for pk in Notification.objects.values_list("pk", flat=True):
        deliver.apply(args=[pk])


def test_a_client_writes_and_the_coach_is_told_without_the_text(
    client, relationship, coach, client_user, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    client.force_login(client_user)
    url = reverse("clients:thread", args=[relationship.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"text": SECRET})
    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.text, message.recipient, message.sender_side) == (SECRET, coach, "client")
    rows = Notification.objects.filter(recipient=coach, kind="clients_msg_client")
    assert {row.channel for row in rows} == {Channel.EMAIL, Channel.INBOX}
    _deliver_all()
    sent = mail.outbox[-1]
    assert sent.to == [coach.email]
    assert SECRET not in sent.body and SECRET not in sent.subject
    assert reverse("clients:list") in sent.body
    for row in Notification.objects.all():
        assert SECRET not in row.subject + row.body
    assert SECRET not in caplog.text
    # A second message while the first is unread adds no second notification.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"text": "Noch etwas"})
    assert Notification.objects.filter(recipient=coach, kind="clients_msg_client").count() == 2


def test_unread_count_in_the_header_goes_when_the_thread_is_read(
    client, relationship, coach, client_user, django_capture_on_commit_callbacks
):
    client.force_login(client_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("clients:thread", args=[relationship.pk]), {"text": "Hallo"})
    assert unread_count_cached(user=coach) == 1
    client.force_login(coach)
    page = client.get(reverse("clients:list")).content.decode()
    assert 'aria-label="1 unread"' in page or 'aria-label="1 ungelesen"' in page
    assert client.get(reverse("clients:thread", args=[relationship.pk])).status_code == 200
    assert unread_count_cached(user=coach) == 0


def test_a_message_with_an_attachment(client, relationship, client_user, coach):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(client_user)
    attachment = SimpleUploadedFile("blatt.pdf", pdf_bytes(), content_type="application/pdf")
    response = client.post(
        reverse("clients:thread", args=[relationship.pk]),
        {"text": "Anbei", "attachments": [attachment]},
    )
    assert response.status_code == 302
    shared = SharedFile.objects.get()
    assert shared.message == Message.objects.get()
    assert shared.uploaded_by == "client"
    assert "blatt" not in shared.file.name and shared.file.name.startswith("clients/")
    client.force_login(coach)
    page = client.get(reverse("clients:thread", args=[relationship.pk])).content.decode()
    assert "blatt.pdf" in page


@pytest.mark.parametrize(
    "text",
    [
        "x" * 5001,
        "<script>alert(1)</script>",
        "<b>fett</b>",
        '<img src=x onerror="alert(1)">',
        "click javascript:alert(1)",
        "",
    ],
)
def test_bad_messages_are_refused_and_nothing_is_stored(client, relationship, client_user, text):
    client.force_login(client_user)
    response = client.post(reverse("clients:thread", args=[relationship.pk]), {"text": text})
    assert response.status_code == 400
    assert Message.objects.count() == 0
    assert Notification.objects.count() == 0


def test_a_ten_megabyte_message_is_a_400(client, relationship, client_user):
    client.force_login(client_user)
    response = client.post(
        reverse("clients:thread", args=[relationship.pk]), {"text": "x" * (10 * 1024 * 1024)}
    )
    assert response.status_code == 400
    assert Message.objects.count() == 0


def test_text_that_merely_looks_like_code_is_kept_and_escaped(client, relationship, client_user):
    client.force_login(client_user)
    text = "Ich <3 Coaching & 2 < 3 **wichtig**"
    client.post(reverse("clients:thread", args=[relationship.pk]), {"text": text})
    assert Message.objects.get().text == text
    page = client.get(reverse("clients:thread", args=[relationship.pk])).content.decode()
    assert "Ich &lt;3 Coaching &amp; 2 &lt; 3 <strong>wichtig</strong>" in page


def test_a_long_thread_is_paged_by_id(client, relationship, client_user):
    from coaching.clients.selectors import THREAD_PAGE_SIZE

    Message.objects.bulk_create(
        Message(relationship=relationship, sender_side="coach", recipient=client_user, text=f"N{i}")
        for i in range(THREAD_PAGE_SIZE + 5)
    )
    client.force_login(client_user)
    url = reverse("clients:thread", args=[relationship.pk])
    first = client.get(url)
    page = first.context["page"]
    assert len(page.messages) == THREAD_PAGE_SIZE and page.older_than is not None
    older = client.get(f"{url}?before={page.older_than}").context["page"]
    assert len(older.messages) == 5 and older.older_than is None


def test_each_attachment_shows_under_its_own_message_on_every_page(
    client, relationship, client_user
):
    from coaching.clients.selectors import THREAD_PAGE_SIZE
    from tests.clients.people import shared_file

    messages = Message.objects.bulk_create(
        Message(relationship=relationship, sender_side="coach", recipient=client_user, text=f"N{i}")
        for i in range(THREAD_PAGE_SIZE + 5)
    )
    oldest, newest = messages[0], messages[-1]
    for message, name in [(oldest, "alt.pdf"), (newest, "neu.pdf")]:
        shared = shared_file(relationship, "coach", name)
        SharedFile.objects.filter(pk=shared.pk).update(message=message, original_name=name)
    client.force_login(client_user)
    url = reverse("clients:thread", args=[relationship.pk])

    def bubbles(address):
        page = client.get(address).content.decode()
        return {
            bubble.split("<p>", 1)[1].split("</p>", 1)[0]: bubble.split("</small>", 1)[0]
            for bubble in page.split('<li class="bubble')[1:]
        }

    first = bubbles(url)
    assert "neu.pdf" in first[newest.text] and "alt.pdf" not in first[newest.text]
    assert sum("pdf" in bubble for bubble in first.values()) == 1
    older = client.get(url).context["page"].older_than
    earlier = bubbles(f"{url}?before={older}")
    assert "alt.pdf" in earlier[oldest.text] and "neu.pdf" not in earlier[oldest.text]
