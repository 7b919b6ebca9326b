"""Building questionnaires, answers and agreements through the services, for tests elsewhere too
(the privacy canary world, the security sweep)."""

from __future__ import annotations

import io

from pypdf import PdfWriter

from coaching.intake.services import (
    QuestionData,
    agreement_accept,
    agreement_publish,
    intake_answer_submit,
    intake_form_publish,
)

QUESTIONS = [
    QuestionData(kind="text", label="Was führt Sie zu mir?", required=True),
    QuestionData(
        kind="choice", label="Wie haben Sie mich gefunden?", options=["Suche", "Empfehlung"]
    ),
    QuestionData(kind="scale", label="Wie dringend ist Ihr Anliegen?"),
    QuestionData(kind="yes_no", label="Waren Sie schon einmal im Coaching?"),
]


def publish_form(practice, questions=None):
    return intake_form_publish(
        practice=practice, actor=practice.owner, questions=questions or QUESTIONS
    )


def answer_form(practice, client, version, first_answer="Ich möchte beruflich umsteigen."):
    questions = list(version.questions.all())
    values = {questions[0].pk: first_answer}
    for question in questions[1:]:
        values[question.pk] = {"choice": question.options[:1] or [""], "scale": ["7"]}.get(
            question.kind, ["yes"]
        )[0]
    return intake_answer_submit(practice=practice, client=client, version=version, answers=values)


def publish_agreement(practice, text="Vereinbarung: 50 Minuten je Sitzung."):
    return agreement_publish(practice=practice, actor=practice.owner, text=text)


def accept_agreement(version, client):
    return agreement_accept(version=version, client=client, shown_version_id=version.pk)


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
