import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from coaching.clients.uploads import MAX_FILE_BYTES, check_upload, clean_name
from tests.clients.conftest import jpeg_with_gps, pdf_bytes


def upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def office(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_pdf_is_accepted_by_its_content_whatever_its_name():
    checked = check_upload(upload("notes.txt", pdf_bytes(), "text/plain"))
    assert checked.content_type == "application/pdf"
    assert checked.original_name == "notes.pdf"


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00" + bytes(200),  # a Windows executable
        b"\x7fELF" + bytes(200),  # a Linux one
        b"<html><script>alert(1)</script></html>",
        b"#!/bin/sh\nrm -rf /\n",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200),  # old binary Office (macros)
    ],
)
def test_a_renamed_executable_or_a_page_is_refused(data):
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("worksheet.pdf", data, "application/pdf"))
    assert refused.value.code == "file_type"


def test_an_empty_and_an_oversized_file_are_refused():
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("a.pdf", b""))
    assert refused.value.code == "empty"
    big = upload("a.pdf", b"%PDF-" + bytes(MAX_FILE_BYTES))
    with pytest.raises(ValidationError) as refused:
        check_upload(big)
    assert refused.value.code == "too_large"


def test_images_lose_exif_and_gps():
    original = jpeg_with_gps()
    assert b"Secret Camera Model" in original
    checked = check_upload(upload("IMG_0001.JPG", original, "image/jpeg"))
    data = checked.content.read()
    assert b"Secret Camera Model" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()
        assert image.size == (64, 48)
    assert checked.original_name == "IMG_0001.jpg"


def test_word_documents_are_accepted_and_macro_documents_refused():
    docx = office({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
    assert check_upload(upload("a.docx", docx)).original_name == "a.docx"
    docm = office(
        {
            "[Content_Types].xml": b"application/vnd.ms-word.document.macroEnabled.main+xml",
            "word/document.xml": b"<w/>",
            "word/vbaProject.bin": b"x",
        }
    )
    with pytest.raises(ValidationError):
        check_upload(upload("a.docx", docm))
    with pytest.raises(ValidationError):
        check_upload(upload("a.zip", office({"evil.exe": b"MZ"})))


def test_the_shown_name_has_no_path_or_direction_tricks():
    assert clean_name("../../etc/passwd", "pdf") == "passwd.pdf"
    assert clean_name("\u202egnp.exe", "png") == "gnp.png"
    assert clean_name("", "pdf") == "datei.pdf"


def test_simple_formatting_escapes_first():
    from coaching.clients.text import formatted

    html = formatted("Hallo <b>\n- eins\n- **zwei**\n\nEnde *kursiv*")
    assert html == (
        "<p>Hallo &lt;b&gt;</p><ul><li>eins</li><li><strong>zwei</strong></li></ul>"
        "<p>Ende <em>kursiv</em></p>"
    )
