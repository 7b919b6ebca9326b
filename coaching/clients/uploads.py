"""Files people share in a relationship: what is accepted, decided from the content, never from
the name or the browser's claimed type.

Accepted: PDF, JPEG/PNG/WebP images, and office documents in the open XML formats (Word, Excel,
PowerPoint) and OpenDocument. Everything else (a renamed .exe, HTML, a macro-enabled document,
the old binary Office formats that carry macros) is refused. Images are decoded with the bounded
path coach photos use (coaching/practices/photos.py, at most 25 megapixels) and saved again
from their pixels, which drops EXIF (camera, GPS) and anything hidden in the file.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import ImageOps

from coaching.practices.photos import MAX_PIXELS, image_opened

MAX_FILE_BYTES = 20 * 1024 * 1024
# Unpacked size of an office document (a ZIP): refuses a zip bomb before anything is stored.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024

IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
OOXML = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
}
ODF = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
    b"application/vnd.oasis.opendocument.presentation": "odp",
}


@dataclass(frozen=True)
class CheckedFile:
    content: ContentFile
    content_type: str
    original_name: str
    size: int


def _refused() -> ValidationError:
    return ValidationError(
        _(
            "This kind of file cannot be shared. Please upload a PDF, an image (JPEG, PNG, WebP) "
            "or an office document (Word, Excel, PowerPoint, OpenDocument)."
        ),
        code="file_type",
    )


def clean_name(name: str | None, extension: str) -> str:
    """The uploader's name for the file, safe to show and to offer as a download name: no path,
    no control or direction characters, and the extension that matches the content."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(
        c
        for c in unicodedata.normalize("NFC", base)
        if unicodedata.category(c)[0] not in "CZ" or c == " "
    )
    stem = base.rsplit(".", 1)[0].strip(" .")[:80] or "datei"
    return f"{stem}.{extension}"


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Validate one uploaded file and return what is stored. Raises ValidationError."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if size > MAX_FILE_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s MB). Please upload at most 20 MB."),
            code="too_large",
            params={"size": f"{size / 1024 / 1024:.0f}"},
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        data = upload.read()
        return CheckedFile(
            ContentFile(data), "application/pdf", clean_name(upload.name, "pdf"), len(data)
        )
    if head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF")):
        return _image(upload)
    if head.startswith(b"PK\x03\x04"):
        return _office(upload)
    raise _refused()


def _image(upload: UploadedFile) -> CheckedFile:
    with image_opened(upload) as image:
        kind = image.format
        if kind not in IMAGE_TYPES:
            raise _refused()
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise ValidationError(
                _("The image has too many pixels. Please upload at most 25 megapixels."),
                code="too_many_pixels",
            )
        image.load()
        upright = ImageOps.exif_transpose(image)
        buffer = io.BytesIO()
        if kind == "JPEG":
            upright.convert("RGB").save(buffer, format="JPEG", quality=90, optimize=True)
        elif kind == "PNG":
            upright.save(buffer, format="PNG", optimize=True)
        else:
            upright.save(buffer, format="WEBP", quality=90)
    data = buffer.getvalue()
    extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[kind]
    return CheckedFile(
        ContentFile(data), IMAGE_TYPES[kind], clean_name(upload.name, extension), len(data)
    )


def _office(upload: UploadedFile) -> CheckedFile:
    upload.seek(0)
    data = upload.read()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
                raise _refused()
            names = [info.filename for info in infos]
            if "mimetype" in names:
                extension = ODF.get(archive.read("mimetype").strip())
                if extension is None:
                    raise _refused()
                content_type = archive.read("mimetype").strip().decode()
            elif "[Content_Types].xml" in names:
                types = archive.read("[Content_Types].xml")
                # Macro-enabled documents (.docm, .xlsm, vbaProject.bin) can run code.
                if b"macroEnabled" in types or any(n.lower().endswith(".bin") for n in names):
                    raise _refused()
                found = [
                    v for prefix, v in OOXML.items() if any(n.startswith(prefix) for n in names)
                ]
                if len(found) != 1:
                    raise _refused()
                content_type, extension = found[0]
            else:
                raise _refused()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise _refused() from error
    return CheckedFile(
        ContentFile(data), content_type, clean_name(upload.name, extension), len(data)
    )
