"""Demo: the demo coach asks a short intake questionnaire and has a coaching agreement; the demo
client has answered and accepted it, so the coach's booking page shows both. Idempotent."""

from __future__ import annotations

from coaching.intake.models import AgreementVersion, IntakeFormVersion, IntakeResponse
from coaching.intake.services import (
    QuestionData,
    agreement_accept,
    agreement_publish,
    intake_answer_submit,
    intake_form_publish,
)

QUESTIONS = [
    QuestionData(
        kind="text",
        label="Was möchten Sie im Coaching erreichen?",
        required=True,
        help_text="Ein paar Sätze genügen.",
    ),
    QuestionData(
        kind="choice",
        label="Worum geht es vor allem?",
        options=["Beruf und Karriere", "Führung", "Stress und Balance", "Etwas anderes"],
        required=True,
    ),
    QuestionData(kind="scale", label="Wie dringend ist Ihr Anliegen gerade?"),
    QuestionData(kind="yes_no", label="Haben Sie schon einmal ein Coaching gemacht?"),
]

AGREEMENT = """Coaching-Vereinbarung

1. Coaching ist keine Psychotherapie und ersetzt keine ärztliche Behandlung.
2. Eine Sitzung dauert so lange wie gebucht; sie findet per Video auf SofaDoc statt.
3. Absagen sind bis 24 Stunden vor Beginn kostenfrei.
4. Alles, was Sie im Coaching erzählen, bleibt vertraulich."""


def seed(*, practice, client) -> None:
    if not IntakeFormVersion.objects.filter(practice=practice).exists():
        version = intake_form_publish(practice=practice, actor=practice.owner, questions=QUESTIONS)
        if client is not None and not IntakeResponse.objects.filter(client=client).exists():
            first, topic, scale, before = version.questions.all()
            intake_answer_submit(
                practice=practice,
                client=client,
                version=version,
                answers={
                    first.pk: "Ich möchte klarer entscheiden, ob ich eine Führungsrolle annehme.",
                    topic.pk: "Führung",
                    scale.pk: "7",
                    before.pk: "no",
                },
            )
    if not AgreementVersion.objects.filter(practice=practice).exists():
        agreement = agreement_publish(practice=practice, actor=practice.owner, text=AGREEMENT)
        if client is not None:
            agreement_accept(version=agreement, client=client, shown_version_id=agreement.pk)
