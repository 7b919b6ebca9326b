"""The demo's e-mails can be read and their links followed in the terminal."""

import io

from django.core.mail import EmailMultiAlternatives

from sofadoc.demo_mail import ReadableConsoleBackend
from tests.test_settings import PRODUCTION_ENV, run_manage

LINK = "http://127.0.0.1:8000/buchungen/ABC-123/?token=x=y&next=%2Fkonto%2F"


def test_the_text_part_is_printed_decoded_with_its_links_whole():
    stream = io.StringIO()
    message = EmailMultiAlternatives(
        subject="Ihre Sitzung ist gebucht – Müller, 4. Dezember",
        body=f"Guten Tag,\n\nÖffnen Sie Ihre Buchung: {LINK}\n",
        from_email="SofaDoc <service@sofadoc.com>",
        to=["klient@example.com"],
    )
    message.attach_alternative("<p>html</p>", "text/html")
    assert ReadableConsoleBackend(stream=stream).send_messages([message]) == 1
    printed = stream.getvalue()
    assert LINK in printed.splitlines()[-3]
    assert "Subject:   Ihre Sitzung ist gebucht – Müller, 4. Dezember" in printed
    assert "klient@example.com" in printed
    assert "=3D" not in printed and "text/html" in printed


def test_the_demo_uses_it_and_production_settings_do_not():
    show = "from django.conf import settings; print(settings.EMAIL_BACKEND)"
    demo = run_manage("shell", "-c", show, env={"DJANGO_DEBUG": "1"})
    assert demo.stdout.strip().splitlines()[-1] == "sofadoc.demo_mail.ReadableConsoleBackend", (
        demo.stderr
    )
    production = run_manage("shell", "-c", show, env=PRODUCTION_ENV)
    assert (
        production.stdout.strip().splitlines()[-1] == "django.core.mail.backends.smtp.EmailBackend"
    )
