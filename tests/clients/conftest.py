import io

import pytest
from PIL import Image

from coaching.clients.services import relationship_ensure
from tests.factories import PracticeFactory, UserFactory


@pytest.fixture
def relationship(booking, practice, client_user):
    """Anna (coach) and Jonas (client), who have one confirmed session."""
    return relationship_ensure(practice=practice, client=client_user)


@pytest.fixture
def coach(practice):
    return practice.owner


@pytest.fixture
def other_coach():
    coach = UserFactory(display_name="Other Coach")
    PracticeFactory(owner=coach, slug="other")
    return coach


def pdf_bytes(text: str = "Arbeitsblatt") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n% " + text.encode() + b"\ntrailer<<>>\n%%EOF\n"
    )


def jpeg_with_gps() -> bytes:
    """A JPEG carrying EXIF with a GPS position and a camera model."""
    image = Image.new("RGB", (64, 48), (200, 100, 50))
    exif = Image.Exif()
    exif[0x0110] = "Secret Camera Model"  # Model
    gps = {1: "N", 2: (48.0, 8.0, 0.0), 3: "E", 4: (11.0, 34.0, 0.0)}
    exif[0x8825] = gps
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()
