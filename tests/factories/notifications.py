"""Notifications: a row in the delivery log (an inbox message unless told otherwise)."""

import factory

from coaching.notifications.models import Channel, Kind, Status
from tests.factories.people import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "notifications.Notification"

    recipient = factory.SubFactory(UserFactory)
    kind = Kind.WELCOME
    channel = Channel.INBOX
    key = factory.Sequence(lambda n: f"k{n}")  # unique without a booking (the once-only rule)
    status = Status.SENT
    subject = "Willkommen bei SofaDoc"
    body = "Schön, dass Sie da sind."
