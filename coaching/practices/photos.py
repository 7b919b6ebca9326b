"""Coach photos: checked to be a real image, stripped of metadata, cut to fixed square sizes.

Re-encoding from pixels drops EXIF (camera, GPS location) and anything hidden in the upload.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000  # far above any camera photo, far below a decompression bomb
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
SIZES = {"photo": 480, "thumbnail": 160}


@dataclass(frozen=True)
class ProcessedPhoto:
    photo: ContentFile
    thumbnail: ContentFile


def validate_photo_upload(upload) -> None:
    """Cheap checks before decoding: size and that Pillow recognises an accepted format."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The photo is too large (%(size)s MB). Please upload at most 8 MB."),
            code="too_large",
            params={"size": f"{upload.size / 1024 / 1024:.0f}"},
        )
    with _opened(upload) as image:
        if image.format not in ACCEPTED_FORMATS:
            raise ValidationError(_("Please upload a JPEG, PNG or WebP image."), code="format")
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise ValidationError(_("The image has too many pixels."), code="too_many_pixels")
        if min(width, height) < 200:
            raise ValidationError(
                _("The photo is too small. Please use at least 200 × 200 pixels."),
                code="too_small",
            )


def process_photo(upload) -> ProcessedPhoto:
    """Square JPEGs in the fixed sizes, upright, without metadata. Call after validation."""
    with _opened(upload) as image:
        image.load()
        upright = ImageOps.exif_transpose(image).convert("RGB")
    stem = secrets.token_hex(8)  # the file name says nothing about the coach
    files = {}
    for name, edge in SIZES.items():
        square = ImageOps.fit(upright, (edge, edge), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        square.save(buffer, format="JPEG", quality=85, optimize=True)
        files[name] = ContentFile(buffer.getvalue(), name=f"{stem}-{edge}.jpg")
    return ProcessedPhoto(photo=files["photo"], thumbnail=files["thumbnail"])


@contextmanager
def _opened(upload) -> Iterator[Image.Image]:
    """Open an upload with Pillow, turning every decoding failure into a form error."""
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            yield image
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("This file is not an image we can read."), code="invalid_image"
        ) from error
    finally:
        upload.seek(0)
