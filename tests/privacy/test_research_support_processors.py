import csv
import json

import pytest
import responses
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from coaching.notifications.links import news_confirm_token, news_token
from coaching.notifications.models import Preferences
from coaching.practices.models import Practice, SessionType
from privacy.models import ConsentRecord, Processor, SupportRequest
from privacy.research import suppress_small_groups
from privacy.tasks import deliver_support_request
from tests.factories import UserFactory
from tests.mail import deliver_queued

pytestmark = pytest.mark.django_db


@given(st.lists(st.integers(min_value=1, max_value=30), max_size=20), st.integers(2, 15))
@hyp_settings(max_examples=50, deadline=None)
def test_no_group_under_k_survives(counts, k):
    rows = [{"g": i, "count": c} for i, c in enumerate(counts)]
    kept = suppress_small_groups(rows, k)
    assert all(row["count"] >= k for row in kept)
    assert len(kept) == sum(1 for c in counts if c >= k)


def read_csv(path):
    return list(csv.DictReader(path.read_text().splitlines()))


def test_research_export_writes_only_large_groups_and_no_identifiers(tmp_path):
    users = UserFactory.create_batch(4, language="de")
    UserFactory.create_batch(2, language="en")
    practice = Practice.objects.create(owner=users[0], name="Praxis Sonne", slug="sonne")
    for _ in range(3):
        SessionType.objects.create(practice=practice, name="A", duration_minutes=50, price=80)
    call_command("export_research_dataset", str(tmp_path), "--k", "3")
    signups = read_csv(tmp_path / "signups_per_month.csv")
    assert {(r["language"], r["role"]) for r in signups} == {("de", "client")}
    assert all(int(r["count"]) >= 3 for r in signups)
    types = read_csv(tmp_path / "session_types.csv")
    assert types == [{"duration_minutes": "30-60", "price_eur": "50-100", "count": "3"}]
    written = "".join(p.read_text() for p in tmp_path.glob("*.csv"))
    for user in users:
        assert user.email not in written and user.display_name not in written
    assert "Praxis Sonne" not in written


def test_research_export_rejects_k_below_two(tmp_path):
    with pytest.raises(CommandError):
        call_command("export_research_dataset", str(tmp_path), "--k", "1")


def test_processors_page_lists_the_policy_processors(client):
    body = client.get(reverse("privacy:processors"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    for name in [
        "Twilio",
        "Amazon Web Services",
        "PayPal",
        "Google Analytics",
        "Google Ads",
        "Zendesk",
    ]:
        assert name in body
    Processor.objects.filter(name="Zendesk").update(is_active=False)
    assert (
        "Zendesk"
        not in client.get(reverse("privacy:processors")).content.decode().split("<table")[1]
    )


def test_email_consents_are_changed_in_one_place_and_every_change_is_logged(client):
    """News (double opt-in) and open tracking are switched in the notification settings, where
    sending reads them; the consent log shows each decision, and the consents page lists it."""
    user = UserFactory(accepted_terms=False)
    client.force_login(user)
    settings_url = reverse("notifications:preferences")
    client.post(settings_url, {"reminder_timing": "both", "open_tracking": "on"})
    client.post(settings_url, {"reminder_timing": "1h", "open_tracking": "on"})  # no change
    client.post(reverse("notifications:news_subscribe"))
    token = news_confirm_token(user)
    assert not ConsentRecord.objects.filter(purpose="email_news").exists()  # not yet confirmed
    client.post(reverse("notifications:news_confirm", args=[token]))
    client.post(reverse("notifications:news_confirm", args=[token]))  # twice: logged once
    client.post(reverse("notifications:news_unsubscribe", args=[news_token(user)]))
    client.post(settings_url, {"reminder_timing": "1h"})  # open tracking unticked

    records = list(
        ConsentRecord.objects.filter(subject=user)
        .order_by("pk")
        .values_list("purpose", "granted", "source")
    )
    assert records == [
        ("email_open_tracking", True, "settings"),
        ("email_news", True, "news"),
        ("email_news", False, "news"),
        ("email_open_tracking", False, "settings"),
    ]
    prefs = Preferences.objects.get(user=user)
    assert not prefs.open_tracking and prefs.news_confirmed_at is None
    page = client.get(reverse("privacy:consents"))
    assert page.status_code == 200
    assert page.content.decode().count("<tr><td>") == 4
    assert settings_url in page.content.decode()
    # The page only shows: nothing is changed there any more.
    assert client.post(reverse("privacy:consents"), {"email_news": "on"}).status_code == 405


SUPPORT = {"name": "Ida", "email": "ida@example.org", "subject": "Kamera", "message": "Geht nicht"}


def test_support_request_without_zendesk_is_emailed(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("privacy:support"), SUPPORT)
    assert response.status_code == 302 and len(callbacks) == 1
    item = SupportRequest.objects.get()
    deliver_support_request.apply(args=[item.pk])
    deliver_support_request.apply(args=[item.pk])
    item.refresh_from_db()
    assert item.delivered_by == "email"
    # A row of the delivery log to the support mailbox, queued once, sent by the worker.
    assert deliver_queued() == ["sent"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].reply_to == ["ida@example.org"]
    assert mail.outbox[0].subject == f"[SofaDoc support SR-{item.pk}] Kamera"
    assert "Geht nicht" in mail.outbox[0].body


@responses.activate
def test_support_request_creates_zendesk_ticket(settings):
    settings.ZENDESK_SUBDOMAIN = "sofadoc-sandbox"
    settings.ZENDESK_EMAIL = "agent@sofadoc.com"
    settings.ZENDESK_API_TOKEN = "tok"
    responses.post(
        "https://sofadoc-sandbox.zendesk.com/api/v2/tickets.json",
        json={"ticket": {"id": 4711}},
        status=201,
    )
    item = SupportRequest.objects.create(**SUPPORT)
    deliver_support_request.apply(args=[item.pk])
    item.refresh_from_db()
    assert item.delivered_by == "zendesk" and item.zendesk_ticket_id == "4711"
    sent = json.loads(responses.calls[0].request.body)
    assert sent["ticket"]["requester"]["email"] == "ida@example.org"
    assert sent["ticket"]["external_id"] == f"SR-{item.pk}"
    assert responses.calls[0].request.headers["Authorization"].startswith("Basic ")
    assert not mail.outbox


@responses.activate
def test_zendesk_error_leaves_request_undelivered_for_retry(settings):
    settings.ZENDESK_SUBDOMAIN = "sofadoc-sandbox"
    settings.ZENDESK_EMAIL = "agent@sofadoc.com"
    settings.ZENDESK_API_TOKEN = "tok"
    responses.post("https://sofadoc-sandbox.zendesk.com/api/v2/tickets.json", status=503)
    item = SupportRequest.objects.create(**SUPPORT)
    result = deliver_support_request.apply(args=[item.pk])
    assert result.failed() or result.state == "RETRY"
    item.refresh_from_db()
    assert item.delivered_by == ""


def test_support_form_rejects_bad_email(client):
    response = client.post(reverse("privacy:support"), {**SUPPORT, "email": "nope"})
    assert response.status_code == 400
    assert not SupportRequest.objects.exists()
