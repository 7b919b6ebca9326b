"""What the relationship holds about people, for the data export (Art. 15/20 GDPR) and erasure
(Art. 17).

Messages, tasks and shared files belong to both parties: each of them gets all of them in their
export (the file contents too, under files/ in the ZIP), and erasing either account deletes
them: the thread cannot outlive one of the two people in it, and nothing in it is a record the
law makes SofaDoc keep (bookings and receipts, which are, live in their own apps).

THE RULE FOR PRIVATE NOTES (decided here, and only here):
- The coach wrote them and is the controller for them (their own professional records, which
  SofaDoc stores on their behalf, Art. 28). The coach's export contains every note in full.
- The client's export contains that notes about them exist (which coach, which session, when
  written and changed) but not the text. Reasoning: Art. 15 (1) entitles the client to know that
  data about them is processed; a copy of the coach's own working notes is the coach's to give as
  controller (Art. 15 (4): a copy must not adversely affect the rights of others, here the
  coach's professional judgement and any third persons the client mentioned in a session).
  SofaDoc, as the coach's processor, must not hand over the content on its own authority
  (Art. 28 (3) (a)); the export's README tells the client to ask the coach, who can export the
  notes in full. This is why notes have a second declaration (the proxy NoteForClient) with
  metadata fields only.
- Erasing either the coach or the client deletes the notes (a coaching practice has no legal
  duty to keep such notes, unlike a medical record under § 630f BGB).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from privacy.registry import Erase, PersonalData, register

if TYPE_CHECKING:
    from coaching.clients.models import Relationship

PARTIES = ("relationship__client", "relationship__practice__owner")


def _delete_files(rows: QuerySet[Relationship]) -> None:
    """Stored files go before their rows (the registry also deletes the `file` field's file;
    this covers files of messages and tasks deleted by cascade)."""
    from coaching.clients.models import SharedFile

    for shared in SharedFile.objects.filter(relationship__in=rows.values("pk")):
        shared.file.delete(save=False)


register(
    PersonalData(
        "clients.SharedFile",
        subject=PARTIES,
        fields=[
            "id",
            "relationship_id",
            "uploaded_by",
            "message_id",
            "task_id",
            "original_name",
            "content_type",
            "size",
            "created_at",
        ],
        files=["file"],
        order=150,
        description="files coach and client shared",
    ),
    PersonalData(
        "clients.Message",
        subject=PARTIES,
        fields=["id", "relationship_id", "sender_side", "text", "created_at", "read_at"],
        order=151,
        description="messages between coach and client",
    ),
    PersonalData(
        "clients.Task",
        subject=PARTIES,
        fields=[
            "id",
            "relationship_id",
            "title",
            "description",
            "due_date",
            "state",
            "answer",
            "done_at",
            "created_at",
        ],
        order=152,
        description="tasks the coach gave the client, with the client's answers",
    ),
    PersonalData(
        "clients.PrivateNote",
        subject="relationship__practice__owner",
        fields=["id", "relationship_id", "booking__reference", "text", "created_at", "updated_at"],
        order=153,
        description="the coach's private notes (full text, for the coach who wrote them)",
    ),
    PersonalData(
        "clients.NoteForClient",
        subject="relationship__client",
        fields=[
            "id",
            "relationship__practice__name",
            "booking__reference",
            "created_at",
            "updated_at",
        ],
        order=154,
        description="that the coach keeps notes about the client (not their text: see above)",
    ),
    PersonalData(
        "clients.Relationship",
        subject=("client", "practice__owner"),
        fields=[
            "id",
            "practice__name",
            "client_id",
            "created_at",
            "ended_at",
            "ended_by",
            "purge_after",
        ],
        order=160,
        before_erase=_delete_files,
        description="the coach-client relationship",
    ),
    PersonalData(
        "clients.CoachSettings",
        subject="practice__owner",
        fields=["office_hours", "keep_days_after_end"],
        erase=Erase.DELETE,
        order=161,
    ),
)
