"""The coach-client relationship's URLs in the object-access matrix (test_object_access): each
answers only the two parties (notes and the client page only the coach), and another client,
another coach, an anonymous visitor and staff get a 404 (or the login page) and change nothing.
Staff are refused like any outsider: a relationship is private, and SofaDoc's staff work in the
admin, which shows no text of it."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from coaching.bookings.models import Booking
from coaching.clients.links import file_download_path
from coaching.clients.models import Message, PrivateNote, Relationship, SharedFile, Task
from coaching.clients.services import relationship_ensure
from tests.factories import StaffFactory

PDF = b"%PDF-1.4\n% Nur f\xc3\xbcr Jonas\n%%EOF\n"


@dataclass
class ClientsWorld:
    relationship: Relationship
    note: PrivateNote
    task: Task
    shared: SharedFile


def clients_world(world) -> ClientsWorld:
    """Made on first use and kept on the world: a relationship with a message, a note, a task
    and a file the client uploaded; and a staff member among the outsiders."""
    found = getattr(world, "_clients", None)
    if found is not None:
        return found
    from django.core.files.base import ContentFile

    world.staff = StaffFactory(two_factors=True)
    relationship = relationship_ensure(practice=world.practice, client=world.client)
    Message.objects.create(
        relationship=relationship,
        sender_side="client",
        recipient=world.coach,
        text="Geheime Nachricht",
    )
    note = PrivateNote.objects.create(relationship=relationship, text="Nur für Jonas")
    task = Task.objects.create(relationship=relationship, title="Geheime Nachricht")
    shared = SharedFile(
        relationship=relationship,
        uploaded_by="client",
        original_name="Jonas Client.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    shared.file.save("upload", ContentFile(PDF), save=True)
    world._clients = ClientsWorld(relationship, note, task, shared)
    return world._clients


def _rel(w):
    return {"pk": clients_world(w).relationship.pk}


def _count(model):
    return lambda w: (clients_world(w), model.objects.count())[1]


def _offer(world):
    """A session the coach booked for the client, waiting for payment (Thursday 10:00)."""
    found = getattr(world, "_offer", None)
    if found is None:
        from datetime import UTC, datetime

        from coaching.clients.sessions import session_offer

        found = world._offer = session_offer(
            relationship=clients_world(world).relationship,
            actor=world.coach,
            session_type_id=world.session_type.pk,
            start=datetime(2026, 6, 4, 8, tzinfo=UTC),
        )
    return found


def cases(Case):
    STAFF = ("staff",)
    return {
        "clients:thread": Case(
            "client",
            _rel,
            get=200,
            post=lambda w: {"text": "Hallo"},
            state=_count(Message),
            also_allowed=("coach",),
            also_refused=STAFF,
        ),
        "clients:file_upload": Case(
            "client",
            _rel,
            post=lambda w: {"file": SimpleUploadedFile("b.pdf", PDF, "application/pdf")},
            state=_count(SharedFile),
            also_refused=STAFF,
        ),
        "clients:end": Case(
            "client",
            _rel,
            get=200,
            post=lambda w: {},
            state=lambda w: Relationship.objects.get(pk=clients_world(w).relationship.pk).ended_at,
            also_allowed=("coach",),
            also_refused=STAFF,
        ),
        "clients:task_answer": Case(
            "client",
            lambda w: {"pk": clients_world(w).task.pk},
            post=lambda w: {"answer": "Erledigt", "done": "on"},
            state=lambda w: Task.objects.get(pk=clients_world(w).task.pk).state,
            also_refused=("coach", "staff"),
        ),
        "clients:file_delete": Case(
            "client",
            lambda w: {"pk": clients_world(w).shared.pk},
            post=lambda w: {},
            state=lambda w: SharedFile.objects.filter(pk=clients_world(w).shared.pk).exists(),
            also_refused=STAFF,
        ),
        "clients:file_download": Case(
            "client",
            lambda w: {
                "token": file_download_path(clients_world(w).shared, w.client).split("/")[-2]
            },
            get=200,
            also_refused=("coach", "staff"),
        ),
        "clients:detail": Case("coach", _rel, get=200, also_refused=("client", "staff")),
        "clients:book": Case(
            "coach",
            _rel,
            get=200,
            post=lambda w: {"start": "2026-06-04T08:00:00Z"},
            state=_count(Booking),
            also_refused=("client", "staff"),
        ),
        "clients:move": Case(
            "coach",
            lambda w: (clients_world(w), {"reference": w.booking.reference})[1],
            get=200,
            post=lambda w: {"start": "2026-06-02T10:00:00Z"},
            state=lambda w: Booking.objects.get(pk=w.booking.pk).start,
            also_refused=("client", "staff"),
        ),
        "clients:pay": Case(
            "client",
            lambda w: {"reference": _offer(w).reference},
            get=200,
            also_refused=("coach", "staff"),
        ),
        "clients:note_add": Case(
            "coach",
            _rel,
            post=lambda w: {"text": "Neue Notiz"},
            state=_count(PrivateNote),
            also_refused=("client", "staff"),
        ),
        "clients:task_add": Case(
            "coach",
            _rel,
            post=lambda w: {"title": "Übung"},
            state=_count(Task),
            also_refused=("client", "staff"),
        ),
        "clients:note_edit": Case(
            "coach",
            lambda w: {"pk": clients_world(w).note.pk},
            get=200,
            post=lambda w: {"text": "Geändert"},
            state=lambda w: PrivateNote.objects.get(pk=clients_world(w).note.pk).text,
            also_refused=("client", "staff"),
        ),
        "clients:note_delete": Case(
            "coach",
            lambda w: {"pk": clients_world(w).note.pk},
            post=lambda w: {},
            state=lambda w: PrivateNote.objects.filter(pk=clients_world(w).note.pk).exists(),
            also_refused=("client", "staff"),
        ),
    }
