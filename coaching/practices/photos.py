"""Coach photos: checked to be a real image, stripped of metadata, cut to fixed square sizes.

Re-encoding from pixels drops EXIF (camera, GPS location) and anything hidden in the upload.
Decoding is bounded: the pixel count is read from the header and checked before any pixel is
decoded (a PNG of one colour is 116 KB for 40 megapixels, 120 MB once decoded), JPEGs are
decoded at a reduced scale (Pillow's draft mode), and other images are reduced right after
decoding. All of it runs in the form, so a file that turns out broken (a truncated JPEG) is a
form error.
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
# 25 megapixels: above phone and most camera photos (12-24 MP); decoded as RGBA at most
# 100 MB, which bounds what one upload can make a web worker hold.
MAX_PIXELS = 25_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
SIZES = {"photo": 480, "thumbnail": 160}
REDUCIBLE_MODES = {"RGB", "RGBA", "L", "LA", "RGBX", "CMYK"}


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
    with image_opened(upload) as image:
        if image.format not in ACCEPTED_FORMATS:
            raise ValidationError(_("Please upload a JPEG, PNG or WebP image."), code="format")
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise ValidationError(
                _(
                    "The image has too many pixels (%(width)s × %(height)s). Please upload at "
                    "most 25 megapixels, for example 5000 × 5000."
                ),
                code="too_many_pixels",
                params={"width": width, "height": height},
            )
        if min(width, height) < 200:
            raise ValidationError(
                _("The photo is too small. Please use at least 200 × 200 pixels."),
                code="too_small",
            )


def process_photo(upload) -> ProcessedPhoto:
    """Square JPEGs in the fixed sizes, upright, without metadata. Call after
    validate_photo_upload (which bounds the pixels); raises ValidationError for a file that
    cannot be decoded."""
    largest = max(SIZES.values())
    with image_opened(upload) as decoded:
        # JPEG: decode at 1/2, 1/4 or 1/8 scale, still at least twice the largest size.
        decoded.draft("RGB", (2 * largest, 2 * largest))
        decoded.load()
        factor = min(decoded.size) // (2 * largest)
        image = decoded
        if factor >= 2 and decoded.mode in REDUCIBLE_MODES:
            image = decoded.reduce(factor)  # keeps the EXIF orientation (info is copied)
        upright = ImageOps.exif_transpose(image).convert("RGB")
    # Leaving the block closed the full-size decode: from here only small images are held.
    stem = secrets.token_hex(8)  # the file name says nothing about the coach
    files = {}
    for name, edge in SIZES.items():
        square = ImageOps.fit(upright, (edge, edge), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        square.save(buffer, format="JPEG", quality=85, optimize=True)
        files[name] = ContentFile(buffer.getvalue(), name=f"{stem}-{edge}.jpg")
    return ProcessedPhoto(photo=files["photo"], thumbnail=files["thumbnail"])


@contextmanager
def image_opened(upload) -> Iterator[Image.Image]:
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
