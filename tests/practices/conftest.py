import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_upload(
    *, size=(800, 600), fmt="JPEG", name="photo.jpg", exif: bytes | None = None
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    options = {"exif": exif} if exif is not None else {}
    Image.new("RGB", size, "#3366aa").save(buffer, format=fmt, **options)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")


@pytest.fixture
def make_image():
    return image_upload


@pytest.fixture
def coach_client(client):
    """Signed in as the owner of a practice (client.practice). English pages, so assertions can
    quote our messages; German is tested in test_i18n."""
    from tests.factories import PracticeFactory

    practice = PracticeFactory(owner__language="en")
    client.force_login(practice.owner)
    client.practice = practice
    return client


# Monday 1 June 2026, 06:00 in Berlin: "now" for the tests of the public pages.
MONDAY_MORNING = datetime(2026, 6, 1, 4, tzinfo=UTC)


@pytest.fixture
def monday_morning():
    with time_machine.travel(MONDAY_MORNING, tick=False):
        yield


@pytest.fixture
def no_busy_sources(monkeypatch):
    """Free times follow the practice's hours and time off only (no bookings, no calendars)."""
    from coaching.practices import busy

    monkeypatch.setattr(busy, "_sources", [])
