"""Demo practices: realistic German coaching profiles with hours, prices and generated photos."""

from __future__ import annotations

import io
from datetime import time
from decimal import Decimal

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont

from coaching.practices.models import Language, Practice, SessionType, Specialty
from coaching.practices.photos import process_photo
from coaching.practices.services import (
    Opening,
    practice_publish,
    practice_set_photo,
    practice_update,
    weekly_hours_replace,
)

WEEKDAYS = range(5)
# (email local part, display name, practice name, slug, headline, bio, specialties, languages,
#  sessions [(name, minutes, price)], hours [(first weekday..last, from, until)], zone, published)
PRACTICES = [
    (
        "coach",
        "Dr. Anna Berger",
        "Praxis Dr. Anna Berger",
        "anna-berger",
        "Business-Coaching für Führungskräfte in Veränderung",
        "Seit zwölf Jahren begleite ich Führungskräfte durch Neuanfänge, Konflikte "
        "und Entscheidungen.\n"
        "Systemische Coachin (DGfC), vorher Personalleiterin in einem Maschinenbauunternehmen.",
        ["business", "leadership", "communication"],
        ["de", "en"],
        [
            ("Kennenlerngespräch", 30, "35"),
            ("Coaching-Sitzung", 60, "120"),
            ("Intensiv-Sitzung", 90, "170"),
        ],
        [(WEEKDAYS, 8, 12), (WEEKDAYS, 14, 18)],
        "Europe/Berlin",
        True,
    ),
    (
        "mehmet.yilmaz",
        "Mehmet Yılmaz",
        "Yılmaz Karriereberatung",
        "yilmaz-karriere",
        "Karriere-Coaching für Berufseinstieg und Neuorientierung",
        "Ich unterstütze Sie bei Bewerbung, Gehaltsverhandlung und dem nächsten Karriereschritt.\n"
        "Zertifizierter Karriereberater, zweisprachig Deutsch und Türkisch.",
        ["career", "confidence"],
        ["de", "tr", "en"],
        [("Bewerbungs-Check", 45, "65"), ("Karriere-Coaching", 60, "90")],
        [(range(0, 4), 16, 20), ([5], 9, 13)],
        "Europe/Berlin",
        True,
    ),
    (
        "lena.hoffmann",
        "Lena Hoffmann",
        "Gelassen bleiben – Lena Hoffmann",
        "lena-hoffmann",
        "Stressbewältigung und Burnout-Prävention",
        "Wenn alles zu viel wird: Gemeinsam finden wir Wege zu mehr Ruhe im Alltag.\n"
        "Heilpraktikerin für Psychotherapie, MBSR-Lehrerin.",
        ["stress", "health", "life"],
        ["de"],
        [("Erstgespräch", 50, "60"), ("Einzelsitzung", 50, "85")],
        [(WEEKDAYS, 9, 13)],
        "Europe/Berlin",
        True,
    ),
    (
        "thomas.keller",
        "Thomas Keller",
        "Keller Leadership",
        "keller-leadership",
        "Leadership-Coaching für neue Teamleiter",
        "Vom Kollegen zur Führungskraft: klare Kommunikation, Feedback und Delegation.\n"
        "15 Jahre Führungserfahrung in IT-Unternehmen.",
        ["leadership", "business"],
        ["de", "en"],
        [("Führungs-Coaching", 60, "140"), ("Kurzimpuls", 30, "70")],
        [(range(1, 5), 7, 10), (range(1, 5), 17, 19)],
        "Europe/Berlin",
        True,
    ),
    (
        "sophie.martin",
        "Sophie Martin",
        "Sophie Martin Coaching",
        "sophie-martin",
        "Life-Coaching auf Deutsch und Französisch",
        "Umzug, Trennung, neue Lebensphase: Ich helfe Ihnen, Ihre nächsten Schritte klar zu sehen.",
        ["life", "relationships"],
        ["de", "fr"],
        [("Life-Coaching", 60, "75")],
        [(WEEKDAYS, 10, 16)],
        "Europe/Paris",
        True,
    ),
    (
        "julia.schneider",
        "Julia Schneider",
        "Paarzeit – Julia Schneider",
        "paarzeit",
        "Beziehungscoaching für Paare und Einzelne",
        "Streit über immer dieselben Themen? Ich begleite Paare zu besseren Gesprächen.\n"
        "Systemische Paarberaterin (DGSF).",
        ["relationships", "communication"],
        ["de", "en"],
        [("Paarsitzung", 90, "150"), ("Einzelsitzung", 60, "95")],
        [(range(0, 5), 17, 21), ([5], 10, 14)],
        "Europe/Berlin",
        True,
    ),
    (
        "markus.weber",
        "Markus Weber",
        "Fit im Kopf – Markus Weber",
        "markus-weber",
        "Gesundheitscoaching: Schlaf, Bewegung, Ernährung",
        "Kleine Gewohnheiten, große Wirkung: alltagstaugliche Veränderungen für mehr Energie.",
        ["health", "stress"],
        ["de"],
        [("Gesundheits-Check-in", 30, "40"), ("Coaching", 60, "80")],
        [(WEEKDAYS, 6, 9), (WEEKDAYS, 18, 20)],
        "Europe/Berlin",
        True,
    ),
    (
        "katarzyna.nowak",
        "Katarzyna Nowak",
        "Nowak Coaching",
        "nowak-coaching",
        "Karriere und Selbstvertrauen für Frauen in der Technik",
        "Ingenieurin und Coachin: Ich kenne die Fragen, die Frauen in technischen Berufen stellen.",
        ["career", "confidence", "leadership"],
        ["de", "pl", "en"],
        [("Coaching-Sitzung", 60, "100")],
        [(range(0, 3), 12, 18)],
        "Europe/Warsaw",
        True,
    ),
    (
        "elena.rossi",
        "Elena Rossi",
        "Elena Rossi – Familie im Gleichgewicht",
        "elena-rossi",
        "Elterncoaching für Familien mit kleinen Kindern",
        "Schlafmangel, Wutanfälle, Vereinbarkeit: praktische Unterstützung ohne Schuldgefühle.",
        ["parenting", "stress"],
        ["de", "it"],
        [("Elterngespräch", 60, "70")],
        [(WEEKDAYS, 9, 12)],
        "Europe/Berlin",
        True,
    ),
    (
        "daniel.fischer",
        "Daniel Fischer",
        "Fischer Kommunikationstraining",
        "fischer-kommunikation",
        "Souverän präsentieren und verhandeln",
        "Rhetorik, Präsentation und Verhandlung – mit Videoanalyse Ihrer eigenen Auftritte.",
        ["communication", "business", "confidence"],
        ["de", "en"],
        [("Präsentationstraining", 90, "180"), ("Verhandlungs-Coaching", 60, "130")],
        [(range(0, 5), 8, 16)],
        "Europe/Berlin",
        True,
    ),
    (
        "olga.ivanova",
        "Olga Ivanova",
        "Neustart in Deutschland – Olga Ivanova",
        "neustart",
        "Coaching für Zugewanderte: Beruf, Sprache, Alltag",
        "Ich helfe beim Ankommen: Anerkennung von Abschlüssen, Bewerbung, Netzwerk.",
        ["career", "life"],
        ["de", "ru", "uk", "en"],
        [("Orientierungsgespräch", 45, "45"), ("Coaching", 60, "60")],
        [(WEEKDAYS, 13, 19)],
        "Europe/Berlin",
        True,
    ),
    (
        "sarah.klein",
        "Sarah Klein",
        "Sarah Klein – Coaching aus New York",
        "sarah-klein",
        "Deutschsprachiges Coaching für Expats in Nordamerika",
        "Ich lebe seit zehn Jahren in New York und coache Deutschsprachige im Ausland.",
        ["life", "career"],
        ["de", "en"],
        [("Expat-Coaching", 60, "110")],
        [(WEEKDAYS, 8, 14)],
        "America/New_York",
        True,
    ),
    (
        "hannah.becker",
        "Hannah Becker",
        "Achtsam führen – Hannah Becker",
        "hannah-becker",
        "Achtsamkeit im Führungsalltag",
        "Gelassen führen, klar entscheiden: Achtsamkeit als Werkzeug für Führungskräfte.",
        ["leadership", "stress"],
        ["de"],
        [("Einzel-Coaching", 60, "115")],
        [([0, 2, 4], 8, 12)],
        "Europe/Berlin",
        True,
    ),
    (
        "peter.wolf",
        "Peter Wolf",
        "Wolf Coaching (im Aufbau)",
        "peter-wolf",
        "",
        "",
        [],
        ["de"],
        [],
        [],
        "Europe/Berlin",
        False,
    ),
    (
        "maria.garcia",
        "María García",
        "Coaching con María",
        "maria-garcia",
        "Life-Coaching auf Spanisch und Deutsch",
        "Bald online: Sitzungen auf Spanisch und Deutsch.",
        ["life"],
        ["es", "de"],
        [("Sesión de coaching", 60, "70")],
        [],
        "Europe/Madrid",
        False,
    ),
]
COLOURS = ["#2f6f62", "#c9773d", "#44617b", "#7a4f7d", "#5b7f3a", "#a0523d", "#3d6fa0"]


def seed(ensure_user, before_publish=None) -> list[Practice]:
    """Create or refresh the demo practices; `ensure_user(email=..., display_name=...)`.

    `before_publish(practice)` lets the apps above practices finish their part of the setup
    (payments connects the twin's PayPal) before the checklist is checked.
    """
    specialties = {s.slug: s for s in Specialty.objects.all()}
    languages = {lang.code: lang for lang in Language.objects.all()}
    practices = []
    for index, row in enumerate(PRACTICES):
        (
            local,
            display_name,
            name,
            slug,
            headline,
            bio,
            topics,
            langs,
            sessions,
            hours,
            zone,
            published,
        ) = row
        owner = ensure_user(email=f"{local}@demo.sofadoc.de", display_name=display_name)
        practice, created = Practice.objects.get_or_create(
            owner=owner, defaults={"name": name, "slug": slug, "time_zone": zone}
        )
        practices.append(practice)
        if not created:
            continue  # keep whatever the demo visitor changed
        practice_update(
            practice=practice,
            actor=owner,
            fields={
                "headline": headline,
                "bio": bio,
                "billing_name": display_name,
                "billing_address": f"Demostraße {index + 1}\n10115 Berlin",
                "tax_number": f"27/{100 + index}/{45678 + index}",
            },
            specialties=[specialties[t] for t in topics],
            languages=[languages[code] for code in langs],
        )
        for position, (type_name, minutes, price) in enumerate(sessions):
            SessionType.objects.create(
                practice=practice,
                name=type_name,
                duration_minutes=minutes,
                price=Decimal(price),
                position=position,
            )
        weekly_hours_replace(
            practice=practice,
            actor=owner,
            openings=[
                Opening(day, time(first), time(last))
                for days, first, last in hours  # type: ignore[attr-defined]
                for day in days
            ],
        )
        if headline:
            practice_set_photo(
                practice=practice, actor=owner, photo=process_photo(_avatar(display_name, index))
            )
        if published:
            if before_publish is not None:
                before_publish(practice)
            practice_publish(practice=practice, actor=owner)
    return practices


def _avatar(display_name: str, index: int) -> ContentFile:
    """A calm coloured square with the person's initials; no stock photos, no downloads."""
    image = Image.new("RGB", (480, 480), COLOURS[index % len(COLOURS)])
    draw = ImageDraw.Draw(image)
    initials = "".join(part[0] for part in display_name.replace("Dr. ", "").split()[:2]).upper()
    font = ImageFont.load_default(size=180)
    draw.text((240, 240), initials, fill="white", font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name="avatar.png")
