import re

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from privacy.models import ConsentRecord
from privacy.pseudonyms import truncate_ip
from privacy.services import consent_record
from sofadoc.accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "display_name": "Mara",
    "email": "mara@example.org",
    "password1": DEFAULT_PASSWORD,
    "password2": DEFAULT_PASSWORD,
}


def test_signup_logs_all_three_consents_with_versions(client):
    response = client.post(
        reverse("account_signup"),
        {**SIGNUP, "age_18": "on", "terms": "on", "privacy": "on"},
        REMOTE_ADDR="203.0.113.77",
    )
    assert response.status_code == 302
    user = User.objects.get()
    records = {r.purpose: r for r in ConsentRecord.objects.filter(subject=user)}
    assert set(records) == {"age_18", "terms", "privacy"}
    assert all(r.granted for r in records.values())
    assert records["terms"].document.kind == "terms"
    assert records["privacy"].document.version == 2  # the current version (since December 2026)
    assert records["age_18"].document is None
    assert records["terms"].ip_truncated == "203.0.113.0"


def test_refused_signup_is_logged_pseudonymously_without_the_email(client):
    response = client.post(
        reverse("account_signup"), {**SIGNUP, "age_18": "on"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Without this confirmation we cannot create your account." in body
    assert not User.objects.exists()
    records = list(ConsentRecord.objects.all())
    assert {(r.purpose, r.granted) for r in records} == {
        ("age_18", True),
        ("terms", False),
        ("privacy", False),
    }
    assert len({r.pseudonym for r in records}) == 1
    assert all(r.subject is None for r in records)
    for record in records:
        assert "mara" not in record.pseudonym
        assert "mara" not in record.ip_truncated


def test_each_refused_attempt_gets_its_own_pseudonym(client):
    client.post(reverse("account_signup"), SIGNUP)
    client.post(reverse("account_signup"), SIGNUP)
    assert ConsentRecord.objects.values("pseudonym").distinct().count() == 2


def test_signup_boxes_are_unticked_and_link_the_documents(client):
    body = client.get(reverse("account_signup")).content.decode()
    form = body.split('action="/privacy/cookies/consent/"')[0]
    for name in ["age_18", "terms", "privacy"]:
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', form).group(0)
        assert "checked" not in tag
    assert reverse("privacy:terms") in body
    assert reverse("privacy:policy") in body


def test_consent_log_rejects_update_and_delete():
    user = UserFactory()
    record = consent_record(user=user, decisions={"email_news": True}, source="consent_page")[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        ConsentRecord.objects.filter(pk=record.pk).update(granted=False)
    with pytest.raises(DatabaseError), transaction.atomic():
        ConsentRecord.objects.filter(pk=record.pk).delete()
    # Detaching the person (erasure) is the one allowed change.
    user.delete()
    record.refresh_from_db()
    assert record.subject is None and record.pseudonym


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("203.0.113.77", "203.0.113.0"),
        ("2001:db8:abcd:12:1:2:3:4", "2001:db8:abcd::"),
        ("not-an-ip", ""),
        (None, ""),
    ],
)
def test_truncate_ip(raw, expected):
    assert truncate_ip(raw) == expected


def test_consents_page_lists_only_own_records(client):
    me, other = UserFactory(), UserFactory()
    consent_record(user=me, decisions={"email_news": True}, source="consent_page")
    consent_record(user=other, decisions={"cookies_marketing": False}, source="cookie_banner")
    client.force_login(me)
    body = client.get(reverse("privacy:consents")).content.decode()
    assert "Neuigkeiten per E-Mail" in body
    assert "Marketing-Cookies" not in body
