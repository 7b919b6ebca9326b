"""Demo data: the demo coach and client have a conversation with a shared worksheet, a task the
client has answered, and a private note only the coach sees. Safe to run again."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from coaching.clients.models import (
    CoachSettings,
    Message,
    PrivateNote,
    Relationship,
    SharedFile,
    Task,
    TaskState,
)
from coaching.clients.services import relationship_ensure
from sofadoc.accounts.models import User

WORKSHEET = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
THREAD = [
    (
        "coach",
        "Hallo Herr Weber, schön, dass Sie da sind! Wie geht es Ihnen nach unserem "
        "ersten Gespräch?",
    ),
    ("client", "Danke, gut. Ich habe viel über das Thema **Prioritäten** nachgedacht."),
    (
        "coach",
        "Sehr schön. Ich habe Ihnen ein Arbeitsblatt angehängt:\n- Werte sammeln\n"
        "- drei auswählen\n- eine Woche beobachten",
    ),
    ("client", "Mache ich. Bis nächste Woche!"),
]


def seed(*, coach: User, client: User) -> Relationship:
    practice = coach.practice
    relationship = relationship_ensure(practice=practice, client=client)
    CoachSettings.objects.update_or_create(
        practice=practice,
        defaults={"office_hours": "Ich antworte Montag bis Donnerstag zwischen 9 und 17 Uhr."},
    )
    if relationship.messages.exists():
        return relationship
    now = timezone.now()
    messages = []
    for n, (side, text) in enumerate(THREAD):
        messages.append(
            Message.objects.create(
                relationship=relationship,
                sender_side=side,
                recipient=client if side == "coach" else coach,
                text=text,
                created_at=now - timedelta(hours=len(THREAD) - n),
                # The client's last message waits unread: the coach's header shows it.
                read_at=None if n == len(THREAD) - 1 else now,
            )
        )
    worksheet = SharedFile(
        relationship=relationship,
        uploaded_by="coach",
        message=messages[2],
        original_name="Arbeitsblatt Werte.pdf",
        content_type="application/pdf",
        size=len(WORKSHEET),
    )
    worksheet.file.save("upload", ContentFile(WORKSHEET), save=True)
    Task.objects.create(
        relationship=relationship,
        title="Drei Werte auswählen",
        description="Nutzen Sie das Arbeitsblatt und notieren Sie, wo Ihnen die Werte begegnen.",
        due_date=timezone.localdate() + timedelta(days=5),
        state=TaskState.DONE,
        answer="Ehrlichkeit, Ruhe, Neugier.",
        done_at=now,
    )
    Task.objects.create(
        relationship=relationship,
        title="Wochenrückblick",
        description="Was hat Sie diese Woche Energie gekostet, was hat Energie gegeben?",
        due_date=timezone.localdate() + timedelta(days=7),
    )
    PrivateNote.objects.create(
        relationship=relationship,
        text="Motiviert, Thema **Prioritäten** im Beruf.\n\n- nächstes Mal: Werte vertiefen",
    )
    relationship.last_message_at = messages[-1].created_at
    relationship.save(update_fields=["last_message_at"])
    return relationship
