"""The request register (deadlines, extensions, alerts, overdue on the admin index) and the
retention schedule (one table, enforced daily, with a report)."""

import datetime

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from django.utils import timezone

from coaching.payments.models import WebhookEvent
from privacy.models import ConsentRecord, DataRequest, RetentionRun, SupportRequest
from privacy.models.requests import add_months
from privacy.retention import SCHEDULE
from privacy.services import consent_record, data_export_request
from privacy.tasks import build_data_export, data_requests_alert, retention_enforce
from tests.factories import UserFactory
from tests.mail import deliver_queued

pytestmark = pytest.mark.django_db

RECEIVED = datetime.date(2026, 1, 31)


def _letter(**extra):
    return DataRequest.objects.create(
        kind="access",
        channel="letter",
        received_on=RECEIVED,
        requester_name="Eva Brief",
        contact="Hauptstr. 1, 10115 Berlin",
        **extra,
    )


def test_the_deadline_is_one_month_and_an_extension_needs_a_reason_and_ends_within_three():
    from django.core.exceptions import ValidationError

    item = _letter()
    assert add_months(RECEIVED, 1) == datetime.date(2026, 2, 28) == item.deadline
    item.extended_until = datetime.date(2026, 5, 1)
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert set(error.value.message_dict) == {"extended_until", "extension_reason"}
    item.extended_until, item.extension_reason = datetime.date(2026, 4, 30), "many records"
    item.full_clean()
    assert item.deadline == datetime.date(2026, 4, 30)


def test_alerts_go_seven_days_before_and_on_the_deadline_once_each(mailoutbox, settings):
    settings.PRIVACY_REQUESTS_EMAIL = "dsb@sofadoc.example"
    item = _letter()
    with time_machine.travel(datetime.datetime(2026, 2, 20, 9, tzinfo=datetime.UTC)):
        assert data_requests_alert.apply().get() == {"warning": 0, "due": 0}
    with time_machine.travel(datetime.datetime(2026, 2, 21, 9, tzinfo=datetime.UTC)):
        assert data_requests_alert.apply().get() == {"warning": 1, "due": 0}
        assert data_requests_alert.apply().get() == {"warning": 0, "due": 0}
        assert deliver_queued() == ["sent"]  # a row of the delivery log, sent by the worker
    with time_machine.travel(datetime.datetime(2026, 2, 28, 9, tzinfo=datetime.UTC)):
        assert data_requests_alert.apply().get() == {"warning": 0, "due": 1}
        assert data_requests_alert.apply().get() == {"warning": 0, "due": 0}
        assert deliver_queued() == ["sent"]
    assert [m.to for m in mailoutbox] == [["dsb@sofadoc.example"]] * 2
    assert "Eva" not in mailoutbox[1].body and f"/{item.pk}/" in mailoutbox[1].body
    assert "7 Tagen" in mailoutbox[0].subject and "heute" in mailoutbox[1].subject


def test_overdue_requests_show_on_the_admin_index(staff_client):
    item = _letter()
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC)):
        page = staff_client.get(reverse("admin:index")).content.decode()
        assert 'id="overdue-data-requests"' in page
        assert reverse("admin:privacy_datarequest_change", args=[item.pk]) in page
        item.answered_on = datetime.date(2026, 3, 1)
        item.save()
        page = staff_client.get(reverse("admin:index")).content.decode()
        assert 'id="overdue-data-requests"' not in page


def test_a_letter_entered_twice_is_refused_with_a_message(staff_client):
    url = reverse("admin:privacy_datarequest_add")
    data = {
        "kind": "erasure",
        "channel": "letter",
        "received_on": "2026-01-31",
        "requester_name": "Eva Brief",
        "contact": "Hauptstr. 1",
    }
    assert staff_client.post(url, data).status_code == 302
    again = staff_client.post(url, data)
    assert again.status_code == 200 and "errornote" in again.content.decode()
    assert DataRequest.objects.count() == 1
    listing = staff_client.get(
        reverse("admin:privacy_datarequest_changelist"), {"deadline": "overdue"}
    )
    assert listing.status_code == 200


def test_self_service_exports_are_registered_and_answered(_private_storage):
    user = UserFactory()
    export = data_export_request(user=user)
    data_export_request(user=user)  # the same day: one entry
    item = DataRequest.objects.get()
    assert (item.kind, item.channel, item.answered_on) == ("access", "self_service", None)
    build_data_export.apply(args=[export.pk])
    item.refresh_from_db()
    assert item.answered_on == timezone.localdate()


def test_the_daily_task_enforces_the_schedule_and_reports_what_it_deleted(staff_client):
    now = timezone.now()
    user = UserFactory()
    with time_machine.travel(now - datetime.timedelta(days=400)):
        SupportRequest.objects.create(name="a", email="a@example.org", subject="s", message="m")
        WebhookEvent.objects.create(event_id="E-1", event_type="x", payload={})
        expired = SessionStore()
        expired.set_expiry(60)
        expired.create()
    with time_machine.travel(now - datetime.timedelta(days=4 * 365)):
        consent_record(decisions={"cookies_statistics": True}, source="cookie_banner")
        consent_record(user=user, decisions={"email_news": True}, source="settings")
    SupportRequest.objects.create(name="b", email="b@example.org", subject="s", message="m")

    report = retention_enforce.apply().get()

    assert report["support"] == 1 and report["webhooks"] == 1 and report["sessions"] == 1
    assert report["consents"] == 1  # the visitor's; the person's own stays while they exist
    assert ConsentRecord.objects.filter(subject=user).count() >= 1
    assert SupportRequest.objects.get().name == "b"
    assert set(report) == {rule.key for rule in SCHEDULE}
    assert RetentionRun.objects.get().report == report
    page = staff_client.get(reverse("admin:privacy_retentionrun_changelist")).content.decode()
    assert 'id="retention-schedule"' in page and "§ 147 AO" in page


def test_holds_never_paid_go_after_30_days_and_paid_bookings_stay():
    from coaching.bookings.models import Booking
    from tests.factories import BookingFactory, SessionTypeFactory

    session_type = SessionTypeFactory()

    def expired_hold():
        start = timezone.now() - datetime.timedelta(days=3)
        return BookingFactory(session_type=session_type, start=start, state="expired")

    with time_machine.travel(timezone.now() - datetime.timedelta(days=31)):
        expired_hold()  # made 31 days ago
    fresh = expired_hold()
    report = retention_enforce.apply().get()
    assert report["holds"] == 1
    assert list(Booking.objects.values_list("pk", flat=True)) == [fresh.pk]
