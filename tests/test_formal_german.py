"""allauth's pages and mails address people formally ("Sie"), like the rest of SofaDoc.

allauth ships informal ("du") German; locale_overrides/ replaces those strings (see
scripts/allauth_formal_de.py). The catalogue test fails when an allauth upgrade brings new
informal strings that the overrides don't cover yet.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import allauth
import polib
import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.mail import deliver_queued

INFORMAL = re.compile(r"\b(du|dein\w*|dich|dir|euch|eure?[mnrs]?)\b", re.IGNORECASE)
# du-imperatives without a pronoun ("Bitte gib … ein", "Bitte wähle …").
INFORMAL_IMPERATIVE = re.compile(
    r"\bbitte (gib|wähle|versuche|bestätige|kontaktiere|melde|klick|klicke|lass|habe|folge|"
    r"überprüfe)\b|(?:^|[.!?:]\s+)(gib|wähle|bestätige|melde|versuche|lass|rufe)\b",
    re.IGNORECASE | re.MULTILINE,
)
ALLAUTH_PO = Path(allauth.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po"
OVERRIDES_PO = Path(settings.BASE_DIR) / "locale_overrides" / "de" / "LC_MESSAGES" / "django.po"


def informal_words(text: str) -> list[str]:
    return [m.group(0) for m in INFORMAL.finditer(text)] + [
        m.group(0) for m in INFORMAL_IMPERATIVE.finditer(text)
    ]


class _VisibleText(HTMLParser):
    """Text a person sees: element text plus labels carried in attributes."""

    ATTRIBUTES = {"placeholder", "title", "aria-label", "alt", "value"}

    def __init__(self):
        super().__init__()
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._hidden += 1
        attributes = dict(attrs)
        if attributes.get("type") == "hidden":
            return
        self.parts += [v for k, v in attrs if k in self.ATTRIBUTES and v]

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(response) -> str:
    parser = _VisibleText()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Bitte gib dein Passwort ein.", True),
        ("Melde dich an", True),
        ("Bitte wähle nur eine aus.", True),
        ("Eine Liste. Gib einen Wert pro Zeile an.", True),
        ("Bestätigen Sie Ihre E-Mail-Adresse", False),
        ("Wir haben Dir eine E-Mail geschickt.", True),
        ("Bitte geben Sie Ihr Passwort ein.", False),
        ("Dirk, Dublin, Dienstag, Durchwahl, Studium", False),
    ],
)
def test_the_detector_tells_du_from_sie(text, found):
    assert bool(informal_words(text)) is found


def _informal_allauth_entries():
    catalogue = polib.pofile(str(ALLAUTH_PO))
    return [
        entry
        for entry in catalogue
        if not entry.obsolete
        and any(informal_words(s) for s in [entry.msgstr, *entry.msgstr_plural.values()])
    ]


def test_overrides_cover_every_informal_allauth_string():
    informal = _informal_allauth_entries()
    assert len(informal) > 50  # the detector still finds allauth's "du" strings
    overrides = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(OVERRIDES_PO)) if not e.obsolete}
    missing, still_informal = [], []
    for entry in informal:
        override = overrides.get((entry.msgctxt, entry.msgid))
        if override is None or not override.translated():
            missing.append(entry.msgid)
            continue
        texts = [override.msgstr, *override.msgstr_plural.values()]
        if any(informal_words(t) for t in texts):
            still_informal.append(override.msgid)
    assert not missing, "run scripts/allauth_formal_de.py after adding wording for: " + repr(
        missing
    )
    assert not still_informal, still_informal


def test_overrides_only_hold_allauth_strings_that_need_them():
    informal = {(e.msgctxt, e.msgid) for e in _informal_allauth_entries()}
    allauth_ids = {(e.msgctxt, e.msgid) for e in polib.pofile(str(ALLAUTH_PO))}
    extra = [
        e.msgid
        for e in polib.pofile(str(OVERRIDES_PO))
        if (e.msgctxt, e.msgid) not in informal
        # a few marked wording fixes for consistency are allowed, if allauth still has them
        and not ("consistency" in e.comment and (e.msgctxt, e.msgid) in allauth_ids)
    ]
    assert not extra, extra


def _assert_formal(text: str):
    assert text.strip()
    found = informal_words(text)
    assert not found, f"informal German {found} in: {text}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "expected"),
    [
        ("account_login", "Anmelden"),
        ("account_signup", "Registrieren"),
        ("account_reset_password", "Geben Sie unten Ihre E-Mail-Adresse ein"),
        ("account_reset_password_done", "Wir haben Ihnen eine E-Mail geschickt"),
        ("account_email_verification_sent", "Bestätigen Sie Ihre E-Mail-Adresse"),
    ],
)
def test_anonymous_allauth_pages_are_formal(client, url_name, expected):
    response = client.get(reverse(url_name), HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    text = visible_text(response)
    assert expected in text
    _assert_formal(text)


@pytest.fixture
def signed_in(client):
    user = UserFactory(language="de")
    client.post(reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD})
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    ["account_reauthenticate", "account_email", "account_change_password", "account_logout"],
)
def test_signed_in_allauth_pages_are_formal(signed_in, url_name):
    response = signed_in.get(reverse(url_name))
    assert response.status_code == 200
    _assert_formal(visible_text(response))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    ["mfa_index", "mfa_activate_totp", "mfa_generate_recovery_codes", "usersessions_list"],
)
def test_mfa_and_session_pages_are_formal(signed_in, url_name):
    signed_in.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    response = signed_in.get(reverse(url_name))
    assert response.status_code == 200
    _assert_formal(visible_text(response))


@pytest.mark.django_db
def test_session_list_is_german(signed_in):
    text = visible_text(signed_in.get(reverse("usersessions_list")))
    assert "Angemeldete Geräte" in text  # the login sessions, apart from "Meine Sitzungen"
    assert "Sessions" not in text


@pytest.mark.django_db
def test_reauthenticate_message_is_formal(signed_in):
    response = signed_in.get(reverse("mfa_activate_totp"), follow=True)
    text = visible_text(response)
    assert "Bitte authentifizieren Sie sich erneut" in text
    _assert_formal(text)


def _signup(client, email):
    return client.post(
        reverse("account_signup"),
        {
            "display_name": "Mara",
            "email": email,
            "password1": DEFAULT_PASSWORD,
            "password2": DEFAULT_PASSWORD,
            "time_zone": "Europe/Berlin",
            "age_18": "on",
            "terms": "on",
            "privacy": "on",
        },
        HTTP_ACCEPT_LANGUAGE="de",
    )


def _assert_mail_formal(message):
    _assert_formal(message.subject)
    _assert_formal(message.body)
    for body, _mimetype in getattr(message, "alternatives", []):
        _assert_formal(body)


@pytest.mark.django_db
def test_verification_mail_is_formal(client):
    assert _signup(client, "mara@example.org").status_code == 302
    deliver_queued()
    (message,) = mail.outbox
    # SofaDoc's own text (templates/account/email/), not allauth's stock one.
    assert "Bitte bestätigen Sie" in message.body
    _assert_mail_formal(message)


@pytest.mark.django_db
def test_account_already_exists_mail_is_formal(client):
    UserFactory(email="mara@example.org")
    _signup(client, "mara@example.org")
    deliver_queued()
    (message,) = mail.outbox
    assert "Es existiert jedoch bereits ein Konto" in message.body
    _assert_mail_formal(message)


@pytest.mark.django_db
def test_password_reset_mail_is_formal(client):
    user = UserFactory()
    client.post(reverse("account_reset_password"), {"email": user.email}, HTTP_ACCEPT_LANGUAGE="de")
    deliver_queued()
    (message,) = mail.outbox
    assert "Neues Passwort festlegen" in message.body
    _assert_mail_formal(message)


@pytest.mark.django_db
def test_unknown_account_mail_is_formal(client):
    client.post(
        reverse("account_reset_password"),
        {"email": "nobody@example.org"},
        HTTP_ACCEPT_LANGUAGE="de",
    )
    deliver_queued()
    (message,) = mail.outbox
    _assert_mail_formal(message)
