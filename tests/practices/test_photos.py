"""Coach photos are decoded safely: a pixel limit read from the header before any decoding,
and every file Pillow cannot decode (a truncated JPEG) is a form error, never a 500."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from coaching.practices.forms import PhotoForm
from coaching.practices.photos import MAX_PIXELS, process_photo, validate_photo_upload
from tests.practices.conftest import image_upload

pytestmark = pytest.mark.django_db


def one_colour_png(width: int, height: int) -> bytes:
    """A valid RGB PNG of one colour, written row by row: 6300 × 6300 is about 116 KB on disk
    and 119 MB once decoded, and making it here holds only one row in memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    compressor = zlib.compressobj(9)
    row = b"\x00" + b"\x33\x66\xaa" * width  # filter byte "none", then the pixels
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def upload(data: bytes, name="photo.png", content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_the_decompression_bomb_png_is_refused_with_a_clear_message(coach_client):
    bomb = one_colour_png(6300, 6300)
    assert len(bomb) < 130 * 1024  # the 116 KB file of issue 24

    response = coach_client.post(reverse("practices:photo"), {"photo": upload(bomb)})

    assert response.status_code == 200
    assert response.context["form"].errors["photo"] == [
        "The image has too many pixels (6300 × 6300). Please upload at most 25 megapixels, "
        "for example 5000 × 5000."
    ]
    coach_client.practice.refresh_from_db()
    assert not coach_client.practice.photo


def test_the_pixel_limit_is_25_megapixels_and_checked_from_the_header():
    assert MAX_PIXELS == 25_000_000
    # Only the header is read: neither file is decoded here (5000 × 5000 would be 75 MB).
    validate_photo_upload(upload(one_colour_png(5000, 5000)))
    with pytest.raises(ValidationError) as refused:
        validate_photo_upload(upload(one_colour_png(5001, 5000)))
    assert refused.value.code == "too_many_pixels"


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9])
def test_a_truncated_jpeg_is_a_form_error(coach_client, keep):
    buffer = io.BytesIO()
    Image.effect_noise((1200, 900), 64).convert("RGB").save(buffer, format="JPEG", quality=90)
    data = buffer.getvalue()
    cut = upload(data[: int(len(data) * keep)], name="photo.jpg", content_type="image/jpeg")

    response = coach_client.post(reverse("practices:photo"), {"photo": cut})

    assert response.status_code == 200
    assert response.context["form"].errors["photo"] == ["This file is not an image we can read."]
    coach_client.practice.refresh_from_db()
    assert not coach_client.practice.photo


def test_the_form_hands_the_service_the_decoded_sizes():
    form = PhotoForm(files={"photo": image_upload(size=(4000, 3000))})  # JPEG, draft decoded
    assert form.is_valid(), form.errors
    photo = form.cleaned_data["photo"]
    with Image.open(photo.photo) as big, Image.open(photo.thumbnail) as small:
        assert (big.size, small.size) == ((480, 480), (160, 160))


def test_a_large_image_reduced_before_cropping_is_still_turned_upright():
    """Left half red, right half blue, EXIF orientation 6 ("turn 90° clockwise"): upright, red
    is on top. The image is reduced after decoding (4000 × 2000), which must keep the tag."""
    image = Image.new("RGB", (4000, 2000), "blue")
    image.paste("red", (0, 0, 2000, 2000))
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", exif=exif.tobytes())

    with Image.open(process_photo(upload(buffer.getvalue())).photo) as photo:
        top, bottom = photo.getpixel((240, 40)), photo.getpixel((240, 440))
    assert top[0] > 200 and top[2] < 60, top
    assert bottom[2] > 200 and bottom[0] < 60, bottom
