import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from coaching.clients.links import file_download_path
from coaching.clients.models import PrivateNote, SharedFile, Task, TaskState
from coaching.clients.services import tasks_remind_due
from coaching.clients.tasks import remind_due_tasks
from coaching.notifications.models import Notification
from tests.clients.conftest import jpeg_with_gps, pdf_bytes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOTE = "Wirkt erschöpft, **Schlaf** ansprechen"


def test_a_note_is_encrypted_at_rest_and_shown_only_to_the_coach(
    client, relationship, coach, client_user, booking
):
    client.force_login(coach)
    response = client.post(
        reverse("clients:note_add", args=[relationship.pk]), {"text": NOTE, "booking": booking.pk}
    )
    assert response.status_code == 302
    note = PrivateNote.objects.get()
    assert (note.text, note.booking) == (NOTE, booking)
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM clients_privatenote")
        stored = cursor.fetchone()[0]
    assert stored.startswith("fernet:") and "Schlaf" not in stored
    page = client.get(reverse("clients:detail", args=[relationship.pk])).content.decode()
    assert "<strong>Schlaf</strong>" in page
    # The client's own thread page says nothing of it.
    client.force_login(client_user)
    assert (
        "Schlaf"
        not in client.get(reverse("clients:thread", args=[relationship.pk])).content.decode()
    )
    assert client.get(reverse("clients:detail", args=[relationship.pk])).status_code == 404
    assert client.get(reverse("clients:note_edit", args=[note.pk])).status_code == 404


def test_staff_do_not_see_notes_or_messages_in_the_admin(staff_client, relationship, client_user):
    from coaching.clients.services import message_send

    note = PrivateNote.objects.create(relationship=relationship, text=NOTE)
    message = message_send(relationship=relationship, sender=client_user, text="Geheimnis 42")
    for url in [
        reverse("admin:clients_privatenote_changelist"),
        reverse("admin:clients_privatenote_change", args=[note.pk]),
        reverse("admin:clients_message_changelist"),
        reverse("admin:clients_message_change", args=[message.pk]),
        reverse("admin:notifications_notification_changelist"),
    ]:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "Schlaf" not in page and "Geheimnis" not in page, url
    # Outside the admin, staff are nobody here: no thread, no client page.
    for name in ("clients:thread", "clients:detail"):
        assert staff_client.get(reverse(name, args=[relationship.pk])).status_code == 404


def test_a_note_with_a_session_of_another_client_is_refused(client, relationship, coach, practice):
    from tests.bookings.fixtures import paid_booking  # noqa: F401

    client.force_login(coach)
    response = client.post(
        reverse("clients:note_add", args=[relationship.pk]), {"text": "x", "booking": 987654}
    )
    assert response.status_code == 400
    assert PrivateNote.objects.count() == 0


def test_a_task_with_a_file_answered_by_the_client(
    client, relationship, coach, client_user, django_capture_on_commit_callbacks
):
    client.force_login(coach)
    worksheet = SimpleUploadedFile("Arbeitsblatt.pdf", pdf_bytes(), content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("clients:task_add", args=[relationship.pk]),
            {
                "title": "Werte-Übung",
                "description": "Drei Werte",
                "due_date": "2026-06-05",
                "file": worksheet,
            },
        )
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.files.get().original_name == "Arbeitsblatt.pdf"
    assert Notification.objects.filter(recipient=client_user, kind="clients_task").exists()
    client.force_login(client_user)
    page = client.get(reverse("clients:thread", args=[relationship.pk])).content.decode()
    assert "Werte-Übung" in page and "Arbeitsblatt.pdf" in page
    response = client.post(
        reverse("clients:task_answer", args=[task.pk]), {"answer": "Mut, Ruhe", "done": "on"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.state, task.answer) == (TaskState.DONE, "Mut, Ruhe")
    assert Notification.objects.filter(recipient=coach, kind="clients_task_answered").exists()


@pytest.mark.parametrize(
    "data",
    [
        {"title": "<script>x</script>"},
        {"title": "ok", "description": "<a href=x>y</a>"},
        {"title": "ok", "due_date": "2020-01-01"},
        {"title": ""},
    ],
)
def test_bad_tasks_are_refused(client, relationship, coach, data):
    client.force_login(coach)
    response = client.post(reverse("clients:task_add", args=[relationship.pk]), data)
    assert response.status_code == 400
    assert Task.objects.count() == 0


def test_a_task_for_someone_who_is_not_the_coaches_client_is_a_404(client, relationship, coach):
    from coaching.clients.models import Relationship
    from tests.factories import PracticeFactory

    stranger = UserFactory()
    foreign = Relationship.objects.create(practice=PracticeFactory(slug="fremd"), client=stranger)
    client.force_login(coach)
    response = client.post(reverse("clients:task_add", args=[foreign.pk]), {"title": "Übung"})
    assert response.status_code == 404
    assert Task.objects.count() == 0


def test_due_reminders_go_once(relationship, client_user, django_capture_on_commit_callbacks):
    Task.objects.create(relationship=relationship, title="Bald", due_date=datetime.date(2026, 6, 2))
    Task.objects.create(
        relationship=relationship, title="Später", due_date=datetime.date(2026, 6, 9)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_due_tasks.apply(kwargs={}).get() == 2  # e-mail and inbox for one task
        assert tasks_remind_due() == 0
    kinds = Notification.objects.filter(recipient=client_user).values_list("kind", flat=True)
    assert set(kinds) == {"clients_task_due"}


def _upload(client, relationship, name, data):
    return client.post(
        reverse("clients:file_upload", args=[relationship.pk]),
        {"file": SimpleUploadedFile(name, data, content_type="application/pdf")},
    )


def test_files_are_served_only_by_a_fresh_signed_link_to_the_two_parties(
    client, relationship, coach, client_user, frozen
):
    client.force_login(client_user)
    assert _upload(client, relationship, "foto.jpg", jpeg_with_gps()).status_code == 302
    shared = SharedFile.objects.get()
    assert shared.content_type == "image/jpeg"
    link = file_download_path(shared, coach)
    client.force_login(coach)
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "image/jpeg"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"Secret Camera Model" not in b"".join(response.streaming_content)
    # The coach's link is no good for anyone else, even the client; and it expires.
    client.force_login(client_user)
    assert client.get(link).status_code == 404
    client.force_login(coach)
    frozen.shift(datetime.timedelta(minutes=6))
    assert client.get(link).status_code == 404


@pytest.mark.parametrize(
    ("name", "data"),
    [("leer.pdf", b""), ("rechnung.pdf", b"MZ\x90\x00" + bytes(100)), ("x.html", b"<html>")],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(
    client, relationship, client_user, name, data
):
    client.force_login(client_user)
    assert _upload(client, relationship, name, data).status_code == 400
    assert SharedFile.objects.count() == 0


def test_a_200_megabyte_upload_is_refused_before_it_is_read(client, relationship, client_user):
    client.force_login(client_user)
    response = client.post(
        reverse("clients:file_upload", args=[relationship.pk]),
        {"file": SimpleUploadedFile("gross.pdf", b"%PDF-1.4")},
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert SharedFile.objects.count() == 0


def test_each_side_deletes_only_their_own_files(
    client, relationship, coach, client_user, django_capture_on_commit_callbacks
):
    client.force_login(client_user)
    _upload(client, relationship, "meins.pdf", pdf_bytes())
    shared = SharedFile.objects.get()
    stored = shared.file.name
    client.force_login(coach)
    client.post(reverse("clients:file_delete", args=[shared.pk]))
    assert SharedFile.objects.filter(pk=shared.pk).exists()
    client.force_login(client_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("clients:file_delete", args=[shared.pk]))
    assert not SharedFile.objects.filter(pk=shared.pk).exists()
    assert not shared.file.storage.exists(stored)
