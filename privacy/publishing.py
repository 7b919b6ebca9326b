"""Publishing a legal text whose lists come from the system itself: the recipients from the
processor registry, the retention periods from the schedule. They are written into the text when
the version is published, so the published version stays exactly what people were shown; a
changed schedule or processor list is a reason for a new version."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils import translation

if TYPE_CHECKING:
    from privacy.models import Processor

TEMPLATES = Path(__file__).resolve().parent / "legal_texts" / "templates"


def processors_text(processors: Iterable[Processor], *, language: str) -> str:
    labels = {
        "de": ("Zweck", "Daten", "Ort der Verarbeitung", "Datenschutzhinweise"),
        "en": ("Purpose", "Data", "Where", "Privacy information"),
    }[language]
    paragraphs = []
    for p in processors:
        purpose = (p.purpose_en or p.purpose) if language == "en" else p.purpose
        data = (p.data_en or p.data) if language == "en" else p.data
        paragraphs.append(
            f"{p.name}\n{labels[0]}: {purpose}\n{labels[1]}: {data}\n"
            f"{labels[2]}: {p.region}\n{labels[3]}: {p.url}"
        )
    return "\n\n".join(paragraphs)


def retention_text(*, language: str) -> str:
    from privacy.retention import SCHEDULE

    with translation.override(language):
        return "\n\n".join(f"{r.what}: {r.period} ({r.basis})" for r in SCHEDULE)


def policy_text(
    *, kind: str, version: int, language: str, processors: Iterable[Processor]
) -> tuple[str, str]:
    """(title, body) of a templated legal text with its lists filled in."""
    text = (TEMPLATES / f"{kind}-{language}-{version}.txt").read_text(encoding="utf-8").strip()
    title, _, body = text.partition("\n")
    body = body.replace("{{PROCESSORS}}", processors_text(processors, language=language))
    body = body.replace("{{RETENTION}}", retention_text(language=language))
    return title.strip(), body.strip()
