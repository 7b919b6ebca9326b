from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.utils import timezone

from coaching.bookings.models import Booking
from coaching.notifications.models import Kind, Notification, PushSubscription
from coaching.practices.models import Practice, SessionType, TimeOff
from privacy.models import DataExport
from sofadoc.accounts.models import User
from tests.bookings.fixtures import TUESDAY_10, approved_at_paypal
from tests.factories import NotificationFactory, PracticeFactory, SessionTypeFactory, UserFactory

# Words that only the owners' pages contain: a refused response must not show any of them.
SECRETS = ("Jonas Client", "Geheime Nachricht", "Nur für Jonas", "Jahresurlaub")


@dataclass
class World:
    """A client and a coach with things of theirs, and two outsiders who must not reach them."""

    client: User
    coach: User
    other_client: User
    other_coach: User
    practice: Practice
    session_type: SessionType
    booking: Booking  # confirmed and paid, Tuesday 10:00 Berlin
    held: Booking  # approved at PayPal, not yet captured, Wednesday 10:00 Berlin
    held_order: str
    message: Notification
    push_device: PushSubscription
    export: DataExport
    time_off: TimeOff
    paypal: object = None  # the PayPal fake, for things a case makes when it needs them

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self, role)


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }


@pytest.fixture
def world(booking, client_user, practice, session_type, paypal, frozen):
    other_coach = UserFactory(display_name="Other Coach")
    SessionTypeFactory(practice=PracticeFactory(owner=other_coach, slug="other"))
    held, held_order = approved_at_paypal(
        paypal, client=client_user, session_type=session_type, start=TUESDAY_10 + timedelta(days=1)
    )
    message = NotificationFactory(  # a sent inbox message
        recipient=client_user,
        kind=Kind.BOOKING_CONFIRMED,
        subject="Geheime Nachricht",
        body="Nur für Jonas.",
        sent_at=timezone.now(),
        booking=booking,
    )
    push_device = PushSubscription.objects.create(
        user=client_user,
        endpoint="https://fcm.googleapis.com/fcm/send/jonas-phone",
        p256dh="k" * 87,
        auth="a" * 22,
        service="Google (Chrome, Edge, Android)",
    )
    export = DataExport.objects.create(
        user=client_user,
        language="de",
        state=DataExport.State.READY,
        file_name=storages["private"].save(
            "exports/secret.zip", ContentFile(b"PK\x05\x06" + bytes(18))
        ),
        ready_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=7),
    )
    time_off = TimeOff.objects.create(
        practice=practice,
        first_day=timezone.localdate() + timedelta(days=30),
        last_day=timezone.localdate() + timedelta(days=40),
        note="Jahresurlaub",
    )
    return World(
        client=client_user,
        coach=practice.owner,
        other_client=UserFactory(display_name="Other Client"),
        other_coach=other_coach,
        practice=practice,
        session_type=session_type,
        booking=booking,
        held=held,
        held_order=held_order,
        message=message,
        push_device=push_device,
        export=export,
        time_off=time_off,
        paypal=paypal,
    )
