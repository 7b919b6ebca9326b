import datetime
import io
import json
import os
import zipfile
from decimal import Decimal

import pytest
import time_machine
from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from coaching.billing.receivers import money_moved_issue_documents
from coaching.bookings.models import Booking, BookingEvent, CalendarFeed
from coaching.intake.services import QuestionData
from coaching.notifications.models import Notification, Preferences, PushSubscription, Status
from coaching.notifications.tasks import deliver
from coaching.payments.models import Purchase, RefundStatus
from coaching.payments.signals import MoneyEvent
from coaching.practices.models import (
    Practice,
    PracticeSlugRedirect,
    SessionType,
    TimeOff,
    WeeklyHours,
)
from coaching.practices.photos import process_photo
from coaching.practices.services import practice_set_photo
from coaching.video.models import ParticipantEvent, RoomSeat, RoomSettings, VideoRoom
from privacy.links import export_download_path
from privacy.models import (
    ConsentRecord,
    DataExport,
    DataRequest,
    ErasureRequest,
    ProcessorErasure,
    SupportRequest,
)
from privacy.registry import personal_data
from privacy.scan import database_scan
from privacy.services import (
    account_erase,
    consent_record,
    cookie_choice_record,
    data_export_request,
)
from privacy.signals import account_erasure_requested
from privacy.tasks import build_data_export, erase_account, expire_data_exports
from sofadoc.accounts.models import User
from tests.billing.factories import capture_record
from tests.clients.people import use_relationships
from tests.factories import (
    BookingFactory,
    NotificationFactory,
    PaymentFactory,
    PurchaseFactory,
    RefundFactory,
    SessionTypeFactory,
    StaffFactory,
    UserFactory,
)
from tests.intake.helpers import (
    accept_agreement,
    answer_form,
    publish_agreement,
    publish_form,
)
from tests.practices.conftest import image_upload

pytestmark = pytest.mark.django_db

EMAIL = "quirin.zebulon@example.org"
NAME = "Quirin Zebulonsky"
PHONE = "+4915112345678"
IP = "198.51.100.123"


def touch_everything():
    """A coach who used every registered model, with unmistakable identifiers."""
    user = UserFactory(email=EMAIL, display_name=NAME, phone=PHONE)
    address = EmailAddress.objects.get(user=user)
    EmailConfirmation.objects.create(email_address=address, key="k" * 20)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.create()
    UserSession.objects.create(
        user=user, ip=IP, session_key=store.session_key, user_agent="Firefox/" + NAME
    )
    staff = StaffFactory(accepted_terms=False)
    LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=EMAIL,
        action_flag=CHANGE,
        change_message=f"Changed phone of {NAME}",
    )
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=NAME,
        action_flag=CHANGE,
    )
    consent_record(user=user, decisions={"terms": True, "privacy": True}, source="signup", ip=IP)
    cookie_choice_record(statistics=True, marketing=False, token="abc123", user=user, ip=IP)
    practice = Practice.objects.create(owner=user, name=f"Praxis {NAME}", slug="praxis-qz")
    practice_set_photo(practice=practice, actor=user, photo=process_photo(image_upload()))
    SessionType.objects.create(
        practice=practice, name=f"Erstgespräch mit {NAME}", duration_minutes=50, price=80
    )
    WeeklyHours.objects.create(
        practice=practice, weekday=1, start_time=datetime.time(9), end_time=datetime.time(12)
    )
    TimeOff.objects.create(
        practice=practice,
        first_day=datetime.date(2026, 12, 24),
        last_day=datetime.date(2026, 12, 26),
        note=f"Urlaub {NAME}",
    )
    SupportRequest.objects.create(
        user=user, name=NAME, email=EMAIL, subject="Video", message=f"Call {PHONE}"
    )
    SupportRequest.objects.create(name=NAME, email=EMAIL, subject="Before signup", message="hi")
    DataExport.objects.create(user=user, language="de")
    DataRequest.objects.create(
        kind="access", channel="email", requester=user, contact=EMAIL, answer=f"Dear {NAME}"
    )
    erasure = ErasureRequest.objects.create(user=user, pseudonym="p" * 64)
    ProcessorErasure.objects.create(erasure=erasure, processor="zendesk", state="done")
    CalendarFeed.objects.create(practice=practice)
    # A session the coach gave (kept for the client's records) ...
    PracticeSlugRedirect.objects.create(practice=practice, slug="quirin-zebulonsky")
    own_client = UserFactory(accepted_terms=False)
    _past_booking(client=own_client, session_type=practice.session_types.get())
    # ... and one they took as a client elsewhere, paid, partly refunded, with a video room.
    other = SessionTypeFactory(practice__owner__accepted_terms=False)
    booking = _past_booking(client=user, session_type=other)
    booking.cancel_reason = f"{NAME} war krank"
    booking.save(update_fields=["cancel_reason"])
    BookingEvent.objects.create(
        booking=booking, actor=user, actor_role="client", to_state="confirmed"
    )
    purchase = PurchaseFactory(
        practice=other.practice,
        buyer=user,
        total=booking.price,
        platform_fee=Decimal("4.00"),
        billing_name=NAME,
        billing_address=f"{NAME}\nMusterweg 1",
        line__object_id=booking.pk,
        line__description=booking.session_name,
    )
    booking.purchase = purchase
    booking.save(update_fields=["purchase"])
    payment = PaymentFactory(purchase=purchase, order_id="O-1", capture_id="C-1")
    RefundFactory(payment=payment, amount=10, refund_id="R-1", status=RefundStatus.PENDING)
    # Its receipt (billing), issued from the capture's ledger rows.
    entries = capture_record(purchase)
    money_moved_issue_documents(MoneyEvent("captured", purchase.pk, [e.pk for e in entries]))
    # Intake and agreement: the coach's own (their words) and, as a client elsewhere, their
    # answers (encrypted) and acceptance.
    publish_form(practice, [QuestionData(kind="text", label=f"Frage von {NAME}")])
    publish_agreement(practice, text=f"Vertrag von {NAME}")
    elsewhere = publish_form(other.practice)
    answer_form(other.practice, user, elsewhere, first_answer=f"Ich bin {NAME}, {PHONE}")
    accept_agreement(publish_agreement(other.practice), user)
    NotificationFactory(
        recipient=user,
        booking=booking,
        kind="booking_confirmed",
        channel="email",
        key="",
        status=Status.QUEUED,
        subject="Ihre Buchung",
        body=f"Guten Tag {NAME}",
    )
    Preferences.objects.update_or_create(user=user, defaults={"sms_confirmed_phone": PHONE})
    PushSubscription.objects.create(
        user=user,
        endpoint="https://fcm.googleapis.com/fcm/send/qz1",
        p256dh="k" * 87,
        auth="a" * 22,
        service="Google (Chrome, Edge, Android)",
    )
    # Calendars: a connection with a secret, its calendar, busy time, an hour block and the
    # event written for a booking.
    from coaching.calendars.models import BookingEvent as CalendarEvent
    from coaching.calendars.models import (
        BusyInterval,
        CalendarConnection,
        HourBlock,
        RemoteCalendar,
    )

    calendar_connection = CalendarConnection.objects.create(
        practice=practice,
        provider="caldav",
        account_name=EMAIL,
        server_url="https://dav.example.org/",
        username=EMAIL,
        password="app-password-qz",
    )
    remote_calendar = RemoteCalendar.objects.create(
        connection=calendar_connection, remote_id="https://dav.example.org/qz/", name=NAME
    )
    BusyInterval.objects.create(
        calendar=remote_calendar,
        practice=practice,
        source="s" * 64,
        start=booking.start,
        end=booking.end,
    )
    HourBlock.objects.create(practice=practice, start=booking.start, end=booking.end)
    CalendarEvent.objects.create(
        booking=booking, calendar=remote_calendar, uid=f"{booking.reference}@buchung.sofadoc.de"
    )
    # Coach of one client, client of another coach: messages, notes, tasks, files.
    use_relationships(
        practice=practice,
        own_client=own_client,
        other_practice=other.practice,
        person=user,
        text=f"Hallo {NAME}, {EMAIL}",
    )
    # Packages: the coach's package, bought by their client (its credits); a series the person
    # booked as a client elsewhere.
    from coaching.packages.models import BookingSeries, ClientPackage, CreditEntry, Package

    session_type = practice.session_types.get()
    package = Package.objects.create(
        practice=practice, session_type=session_type, name=f"Paket {NAME}", sessions=5, price="350"
    )
    bought = ClientPackage.objects.create(
        package=package,
        practice=practice,
        session_type=session_type,
        client=own_client,
        name=package.name,
        sessions=5,
        price="350",
        validity_days=180,
        expiry_rule="expire",
    )
    CreditEntry.objects.create(
        client_package=bought, practice=practice, session_type=session_type, kind="grant", delta=5
    )
    # A coupon of the coach's, used by their client at a checkout.
    from coaching.packages.models import Coupon, CouponUse

    coupon = Coupon.objects.create(practice=practice, code="SOMMER", kind="percent", value=10)
    CouponUse.objects.create(
        coupon=coupon,
        purchase=Purchase.objects.create(
            practice=practice, buyer=own_client, total="72.00", platform_fee="1.00"
        ),
        client=own_client,
        amount="8.00",
        hold_until=timezone.now(),
    )
    BookingSeries.objects.create(
        practice=other.practice,
        session_type=other,
        client=user,
        interval_weeks=1,
        count=2,
        purchase=Purchase.objects.create(
            practice=other.practice, buyer=user, total="10.00", platform_fee="1.00"
        ),
    )
    room = VideoRoom.objects.create(booking=booking, room_sid="RM1")
    ParticipantEvent.objects.create(
        room=room,
        kind="participant-connected",
        role="client",
        sequence=1,
        occurred_at=booking.start,
        participant_sid="PA1",
    )
    RoomSeat.objects.create(room=room, role="client", browser="b" * 64, seen_at=booking.start)
    RoomSettings.objects.create(practice=practice, waiting_note=f"Bis gleich, {NAME}")
    return user


def _past_booking(*, client, session_type):
    """A session three days ago, completed (of the session type's practice)."""
    start = timezone.now() - datetime.timedelta(days=3)
    return BookingFactory(
        session_type=session_type,
        client=client,
        state="completed",
        start=start,
        end=start + datetime.timedelta(hours=1),
        session_name="Coaching",
        price=80,
    )


def test_touch_everything_covers_every_registered_model():
    user = touch_everything()
    for declaration in personal_data():
        assert declaration.rows(user).exists(), declaration.model_label


def scan_database(needles):
    """Every text-like column of every table (from PostgreSQL's catalogue), searched."""
    return [(f.where, f.key, f.needle) for f in database_scan(needles=needles)]


def test_erasure_leaves_nothing_identifying_in_any_table(django_capture_on_commit_callbacks):
    user = touch_everything()
    truncated_ip = "198.51.100.0"
    needles = [EMAIL, NAME, PHONE, IP, truncated_ip, "Zebulon"]
    assert scan_database(needles), "the scan finds the data before erasure"
    consents_before = ConsentRecord.objects.count()

    received = []
    account_erasure_requested.connect(
        lambda sender, user, **kw: received.append(user.pk),
        weak=False,
        dispatch_uid="test-erasure",
    )
    photo = Practice.objects.get(owner=user).photo.path
    try:
        with django_capture_on_commit_callbacks(execute=True):
            account_erase(user=user)
    finally:
        account_erasure_requested.disconnect(dispatch_uid="test-erasure")

    assert received == [user.pk]
    assert scan_database(needles) == []
    assert not os.path.exists(photo)  # the coach's photo files are gone too
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Session.objects.filter(session_key__in=[]).exists()
    assert Session.objects.count() == 0
    # The consent proof stays, pseudonymous, and says that each consent in force ended.
    ended = ConsentRecord.objects.filter(source="erasure", granted=False)
    assert set(ended.values_list("purpose", flat=True)) == {
        "terms",
        "privacy",
        "cookies_statistics",
    }
    assert ConsentRecord.objects.count() == consents_before + 3
    assert not ConsentRecord.objects.filter(subject__isnull=False).exists()
    assert not ConsentRecord.objects.exclude(ip_truncated="").exists()
    assert LogEntry.objects.filter(object_repr="[erased]").count() == 1


def test_failing_receiver_leaves_the_person_untouched():
    user = touch_everything()

    def refuse(sender, **kwargs):
        raise RuntimeError("refund failed")

    account_erasure_requested.connect(refuse, weak=False, dispatch_uid="test-refuse")
    try:
        with pytest.raises(RuntimeError):
            account_erase(user=user)
    finally:
        account_erasure_requested.disconnect(dispatch_uid="test-refuse")
    assert User.objects.filter(pk=user.pk, email=EMAIL).exists()
    assert Practice.objects.filter(owner=user).exists()


def test_delete_flow_requires_reauthentication_then_erases_via_task(
    client, reauthenticated_client, django_capture_on_commit_callbacks
):
    user = touch_everything()
    client.force_login(user)
    response = client.get(reverse("privacy:delete"))
    assert response.status_code == 302
    assert reverse("account_reauthenticate") in response.url

    client = reauthenticated_client(user)
    page = client.get(reverse("privacy:delete"))
    assert page.status_code == 200
    assert "§ 147 AO" in page.content.decode()
    assert client.post(reverse("privacy:delete"), {}).status_code == 400

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("privacy:delete"), {"confirm": "on"})
    assert response.status_code == 200
    # The erasure task, enqueued once (the others retire cached copies of the changed user).
    assert sum("task_enqueue" in callback.__qualname__ for callback in callbacks) == 1
    user.refresh_from_db()
    assert not user.is_active
    erasure = ErasureRequest.objects.filter(user=user).latest("requested_at")

    erase_account.apply(args=[erasure.pk])
    erase_account.apply(args=[erasure.pk])  # idempotent
    erasure.refresh_from_db()
    assert erasure.state == ErasureRequest.State.DONE and erasure.user is None
    assert not User.objects.filter(pk=user.pk).exists()
    # The confirmation is a row of the delivery log to the address (the account is gone),
    # queued once although the task ran twice, sent by the notifications worker.
    [row] = Notification.objects.filter(kind="erasure_done")
    assert (row.recipient, row.address, row.key) == (None, EMAIL, f"erasure:{erasure.pk}")
    assert deliver.apply(args=[row.pk]).get() == "sent"
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    row.refresh_from_db()
    assert row.address == ""  # "We have not kept your address"
    assert scan_database([EMAIL, NAME, PHONE]) == []
    # Signed out: the session is gone.
    assert "_auth_user_id" not in client.session


def test_export_contains_every_category_and_only_the_owner_can_download(
    client, reauthenticated_client, django_capture_on_commit_callbacks, _private_storage
):
    user = touch_everything()
    client = reauthenticated_client(user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("privacy:export"))
    assert response.status_code == 302
    assert len(callbacks) == 1
    export = DataExport.objects.filter(user=user).latest("created_at")
    mail.outbox.clear()
    build_data_export.apply(args=[export.pk])
    build_data_export.apply(args=[export.pk])  # idempotent: built once
    export.refresh_from_db()
    assert export.state == DataExport.State.READY
    assert export.expires_at - export.ready_at == datetime.timedelta(days=7)
    # The message is a row of the delivery log, sent by the notifications worker.
    [row] = Notification.objects.filter(recipient=user, kind="data_export_ready")
    assert deliver.apply(args=[row.pk]).get() == "sent"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [EMAIL]
    link = export_download_path(export)
    assert link in mail.outbox[0].body
    # Not under MEDIA_ROOT: the private storage is its own folder.
    assert (_private_storage / export.file_name).is_file()

    response = client.get(link)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    for declaration in personal_data():
        assert f"{declaration.category}.json" in names
    assert "README.txt" in names
    account = json.loads(archive.read("accounts.user.json"))
    assert account[0]["email"] == EMAIL and account[0]["phone"] == PHONE
    support = json.loads(archive.read("privacy.supportrequest.json"))
    assert len(support) == 2
    authenticators = json.loads(archive.read("mfa.authenticator.json"))
    assert "data" not in authenticators[0]
    readme = archive.read("README.txt").decode()
    assert "accounts.user.json" in readme

    other = UserFactory()
    client.force_login(other)
    assert client.get(link).status_code == 404
    client.logout()
    assert client.get(link).status_code == 302  # to login


def test_export_link_expires_and_file_is_deleted(client, _private_storage):
    user = UserFactory()
    with time_machine.travel(timezone.now(), tick=False):
        export = data_export_request(user=user)
        build_data_export.apply(args=[export.pk])
    export.refresh_from_db()
    client.force_login(user)
    link = export_download_path(export)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        assert client.get(link).status_code == 404
        assert expire_data_exports.apply().get() == 1
    export.refresh_from_db()
    assert export.state == DataExport.State.EXPIRED
    assert not (_private_storage / "exports").exists() or not any(
        (_private_storage / "exports").rglob("*.zip")
    )


def test_tampered_download_token_is_404(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("privacy:export_download", args=["nonsense"])).status_code == 404


def test_export_request_enqueues_on_commit(django_capture_on_commit_callbacks, monkeypatch):
    queued = []
    # Recorded where the task leaves for the broker (sofadoc.queue publishes with apply_async).
    monkeypatch.setattr(build_data_export, "apply_async", lambda args, **kw: queued.extend(args))
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        export = data_export_request(user=user)
        assert queued == []  # nothing before commit
    assert queued == [export.pk]


def test_erasure_cancels_and_refunds_future_sessions_first(booking, client_user, paypal, frozen):
    from privacy.services import account_erase

    account_erase(user=client_user)

    booking.refresh_from_db()
    assert booking.state == "cancelled" and booking.client is None
    assert booking.payments.get().status == "refunded"
    assert len(paypal.requests_to("/refund")) == 1


def test_a_failed_export_is_marked_failed_and_sends_no_mail(monkeypatch, mailoutbox):
    from privacy import tasks
    from privacy.tasks import build_data_export

    user = UserFactory()
    export = DataExport.objects.create(user=user, language="de")

    def broken(*, export):
        raise OSError("disk full")

    monkeypatch.setattr(tasks, "data_export_build", broken)
    build_data_export.apply(args=[export.pk])

    export.refresh_from_db()
    assert export.state == DataExport.State.FAILED and not export.file_name
    assert mailoutbox == []


def test_an_interrupted_erasure_resumes_where_it_stopped(monkeypatch):
    from privacy.models import ErasureRequest
    from privacy.services import erasure as erasure_services
    from privacy.tasks import erase_account

    user = touch_everything()
    erasure = erasure_services.account_erasure_request(user=user)
    real_step, crashed = erasure_services._erase_step, []

    def crash_once_at_bookings(declaration, person):
        if declaration.model_label == "bookings.Booking" and not crashed:
            crashed.append(True)
            raise OSError("worker lost")
        real_step(declaration, person)

    monkeypatch.setattr(erasure_services, "_erase_step", crash_once_at_bookings)
    assert erase_account.apply(args=[erasure.pk]).failed()

    erasure.refresh_from_db()
    assert erasure.state != ErasureRequest.State.DONE and erasure.user_id == user.pk
    # Steps before the crash are committed (messages go early), the rest is untouched.
    assert not Notification.objects.filter(recipient=user).exists()
    assert Booking.objects.filter(client=user).exists()

    erase_account.apply(args=[erasure.pk])

    erasure.refresh_from_db()
    assert erasure.state == ErasureRequest.State.DONE
    # The confirmation to the former address waits in the delivery log until the worker has
    # sent it; then its row forgets the address too.
    [confirmation] = Notification.objects.filter(kind="erasure_done")
    assert deliver.apply(args=[confirmation.pk]).get() == "sent"
    assert scan_database([EMAIL, NAME, PHONE, IP]) == []


def test_exports_and_erasures_whose_task_was_lost_are_queued_again_and_finish(
    monkeypatch, mailoutbox
):
    from privacy import services
    from privacy.tasks import resume_stalled_jobs

    queued = []
    from privacy.models import SupportRequest

    for kind, task in [("export", build_data_export), ("erase", erase_account)]:
        monkeypatch.setattr(
            task, "apply_async", lambda args, kind=kind, **kw: queued.append((kind, *args))
        )
    asked = timezone.now()
    with time_machine.travel(asked, tick=False):
        exporter, leaver = UserFactory(), UserFactory(email=EMAIL)
        # The tasks these queued after commit never reach a worker (as if Redis lost them).
        export = data_export_request(user=exporter)
        erasure = services.account_erasure_request(user=leaver)
        DataExport.objects.create(user=exporter, language="de", state=DataExport.State.READY)
        # A support request whose task was lost to a broker outage, and one delivered.
        question = SupportRequest.objects.create(name="A", email=EMAIL, subject="?", message="?")
        SupportRequest.objects.create(
            name="B", email=EMAIL, subject="?", message="?", delivered_by="email"
        )
    queued.clear()  # what the requests themselves queued after commit

    with time_machine.travel(asked + datetime.timedelta(minutes=29), tick=False):
        assert resume_stalled_jobs.apply().get() == 0  # still young: the task may yet run
    with time_machine.travel(asked + datetime.timedelta(minutes=31), tick=False):
        assert resume_stalled_jobs.apply().get() == 3

    # Exports and erasures are queued again; the support request is delivered by the scan.
    assert sorted(queued) == [("erase", erasure.pk), ("export", export.pk)]
    question.refresh_from_db()
    assert question.delivered_by == "email"
    build_data_export.apply(args=[export.pk])
    erase_account.apply(args=[erasure.pk])
    export.refresh_from_db()
    erasure.refresh_from_db()
    assert export.state == DataExport.State.READY
    assert erasure.state == ErasureRequest.State.DONE
    assert not User.objects.filter(email=EMAIL).exists()
    queued.clear()
    with time_machine.travel(asked + datetime.timedelta(minutes=41), tick=False):
        assert resume_stalled_jobs.apply().get() == 0
    assert queued == []
