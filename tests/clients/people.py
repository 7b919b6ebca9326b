"""A person's part in coach-client relationships, for the privacy tests (export, erasure, the
canary scan): as coach of one client and as client of another coach, with a message each way,
a note on each side, a task and a file whose content names them."""

from __future__ import annotations

from django.core.files.base import ContentFile

from coaching.clients.models import (
    CoachSettings,
    Message,
    PrivateNote,
    Relationship,
    SharedFile,
    Task,
)


def shared_file(relationship, side: str, text: str) -> SharedFile:
    data = b"%PDF-1.4\n% " + text.encode() + b"\n%%EOF\n"
    shared = SharedFile(
        relationship=relationship,
        uploaded_by=side,
        original_name="blatt.pdf",
        content_type="application/pdf",
        size=len(data),
    )
    shared.file.save("upload", ContentFile(data), save=True)
    return shared


def fill_relationship(relationship: Relationship, text: str) -> None:
    coach, client = relationship.practice.owner, relationship.client
    Message.objects.create(
        relationship=relationship, sender_side="coach", recipient=client, text=text
    )
    Message.objects.create(
        relationship=relationship, sender_side="client", recipient=coach, text=text
    )
    PrivateNote.objects.create(relationship=relationship, text=f"Notiz: {text}")
    Task.objects.create(relationship=relationship, title=text[:200], description=text, answer=text)
    shared_file(relationship, "client", text)
    shared_file(relationship, "coach", text)


def use_relationships(*, practice, own_client, other_practice, person, text: str) -> None:
    """`person` coaches `own_client` in `practice` and is a client of `other_practice`."""
    CoachSettings.objects.update_or_create(practice=practice, defaults={"office_hours": text[:300]})
    for relationship in [
        Relationship.objects.get_or_create(practice=practice, client=own_client)[0],
        Relationship.objects.get_or_create(practice=other_practice, client=person)[0],
    ]:
        fill_relationship(relationship, text)
