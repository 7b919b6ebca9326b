import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from privacy.models import LegalDocument
from privacy.selectors import legal_document_current
from tests.factories import LegalDocumentFactory
from tests.queries import pinned_queries

pytestmark = pytest.mark.django_db


def test_reference_privacy_policy_is_the_first_german_version_and_kept(client):
    document = legal_document_current(kind="privacy", language="de")
    assert document.version == 2
    response = client.get(
        reverse("privacy:policy_version", args=[1, "de"]), HTTP_ACCEPT_LANGUAGE="de"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Datenschutz bei SofaDoc" in body
    assert "<h2>§\u20091 Erhebung personenbezogener Daten</h2>" in body
    assert "Version 1" in body


def test_english_visitors_read_english_and_missing_translations_fall_back_to_german():
    with translation.override("en"):
        assert legal_document_current(kind="privacy").language == "en"
        assert legal_document_current(kind="terms").language == "en"
    LegalDocument.objects.filter(kind="terms", language="en").delete()
    with translation.override("en"):
        assert legal_document_current(kind="terms").language == "de"


def test_the_english_privacy_policy_is_a_translation_of_the_reference():
    german = legal_document_current(kind="privacy", language="de")
    english = legal_document_current(kind="privacy", language="en")
    assert german.version == english.version

    def sections(text):  # the reference text uses thin spaces after "§" in places
        return re.findall(r"^§\s*(\d+)", text, flags=re.MULTILINE)

    assert sections(german.body) == sections(english.body) == [str(n) for n in range(1, 12)]
    first = {d.language: d for d in LegalDocument.objects.filter(kind="privacy", version=1)}
    assert (
        sections(first["de"].body) == sections(first["en"].body) == [str(n) for n in range(1, 10)]
    )


def test_published_document_is_immutable():
    document = legal_document_current(kind="terms", language="de")
    document.body = "changed"
    with pytest.raises(ValidationError):
        document.save()


def test_version_is_unique_per_kind_and_language():
    with pytest.raises(IntegrityError), transaction.atomic():
        LegalDocumentFactory(kind="terms", language="de", version=1)


def test_past_versions_stay_readable(client):
    new = LegalDocumentFactory(kind="privacy", language="de", version=3, title="Neue Fassung")
    current = client.get(reverse("privacy:policy"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Neue Fassung" in current
    old_url = reverse("privacy:policy_version", args=[1, "de"])
    assert old_url in current
    old = client.get(old_url).content.decode()
    assert "Datenschutz bei SofaDoc" in old
    assert new.title not in old.split("<article")[1].split("All versions")[0]


def test_unknown_version_is_404(client):
    assert client.get(reverse("privacy:terms_version", args=[99, "de"])).status_code == 404


def test_body_is_escaped(client):
    LegalDocumentFactory(kind="terms", language="de", version=5, body="<script>x()</script>")
    body = client.get(reverse("privacy:terms"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "<script>x()" not in body
    assert "&lt;script&gt;" in body


def test_cookie_page_lists_every_cookie(client):
    body = client.get(reverse("privacy:cookies")).content.decode()
    for name in [
        "sessionid",
        "csrftoken",
        "sofadoc_tz",
        "django_language",
        "sofadoc_consent",
        "_ga",
        "_gcl_au",
    ]:
        assert f"<code>{name}</code>" in body


def test_kinds_cover_all_seeded_texts():
    kinds = set(LegalDocument.objects.values_list("kind", "language"))
    assert kinds >= {
        ("privacy", "de"),
        ("terms", "de"),
        ("terms", "en"),
        ("cookies", "de"),
        ("cookies", "en"),
    }


def test_policy_page_query_budget(client):
    client.get("/")  # warms the cookie-policy version cache
    with pinned_queries(at_most=4):
        assert client.get(reverse("privacy:policy")).status_code == 200


def test_version_2_is_published_in_german_and_english_with_generated_lists(client):
    from privacy.models import Processor
    from privacy.retention import SCHEDULE

    german = legal_document_current(kind="privacy", language="de")
    english = legal_document_current(kind="privacy", language="en")
    assert (german.version, english.version) == (2, 2)
    for name in Processor.objects.filter(is_active=True).values_list("name", flat=True):
        assert name in german.body and name in english.body
    assert "Videositzungen und SMS" in german.body  # the registry's current wording
    with translation.override("de"):
        assert all(str(rule.what) in german.body for rule in SCHEDULE)
    assert "TDDDG" in german.body and "TMG" not in german.body.replace("TDDDG", "")
    assert "Bayerische Landesamt für Datenschutzaufsicht" in german.body
    assert "{{" not in german.body + english.body
    assert "http://" not in german.body + english.body  # the dead links of v1 are gone
    page = client.get(reverse("privacy:policy"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Version 2" in page and reverse("privacy:policy_version", args=[1, "de"]) in page


def test_people_are_asked_to_take_note_of_version_2_at_their_next_sign_in(client):
    from privacy.services import consent_record
    from tests.factories import DEFAULT_PASSWORD, UserFactory

    user = UserFactory(accepted_terms=False)
    old = {d.kind: d for d in LegalDocument.objects.filter(version=1, language="de")}
    consent_record(
        user=user, decisions={"terms": True, "privacy": True}, documents=old, source="signup"
    )
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": DEFAULT_PASSWORD}, follow=True
    )
    page = response.content.decode()
    assert reverse("privacy:accept") in page and "Bitte nehmen Sie sie zur Kenntnis" in page
    client.post(reverse("privacy:accept"), {"privacy": "on"})
    from privacy.selectors import consent_is_pending

    assert not consent_is_pending(user=user)
