"""A client and a coach who used everything, with canary values in every free-text field, and
the processors (Zendesk, Twilio) faked at the HTTP level."""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass

import responses
from allauth.usersessions.models import UserSession
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.db import models

from coaching.bookings.services import booking_cancel
from coaching.clients.models import Relationship
from coaching.intake.services import QuestionData, agreement_publish
from coaching.notifications.models import Preferences
from coaching.practices.services import practice_publish
from coaching.video.models import ParticipantEvent, RoomSeat, RoomSettings, VideoRoom
from privacy.registry import personal_data
from privacy.services import (
    consent_record,
    cookie_choice_record,
    data_export_request,
    support_request_submit,
)
from privacy.tasks import build_data_export, deliver_support_request
from sofadoc.accounts.models import User
from tests.bookings.fixtures import TUESDAY_10, paid_booking
from tests.clients.people import fill_relationship
from tests.factories import PracticeFactory, SessionTypeFactory, StaffFactory, UserFactory
from tests.intake.helpers import accept_agreement, answer_form, pdf_bytes, publish_form

ZENDESK = "https://sofadoc-sandbox.zendesk.com"
TWILIO_SID = "AC" + "0" * 32
TWILIO_MESSAGES = f"https://api.twilio.com/2010-04-01/Accounts/{TWILIO_SID}/Messages"


@dataclass(frozen=True)
class Canary:
    first: str
    last: str
    email: str
    phone: str  # E.164
    ip: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    def text(self, label: str) -> str:
        # The phone as people write it, not as stored: redaction must find it all the same.
        national = "0" + self.phone[3:6] + " " + self.phone[6:]
        return f"{label} {self.name} {self.email} {national}"

    @property
    def needles(self) -> list[str]:
        digits = self.phone[3:]
        return [self.last, self.email, self.phone, digits, self.ip, self.ip.rsplit(".", 1)[0]]


CLIENT = Canary("Klara", "Qxklientin", "qx.klientin@example.org", "+4915100000101", "203.0.113.77")
COACH = Canary(
    "Konrad", "Qxcoachmann", "qx.coachmann@example.org", "+4917100000202", "198.51.100.9"
)

# Columns the generic filler leaves alone: they steer the code, they are not what people write.
TECHNICAL = re.compile(
    r"(^|_)(key|token|hash|sid|id|slug|time_zone|language|currency|kind|data|phone|email|pseudonym|ip_truncated|file_name|url)$"
)


def _fillable(field) -> bool:
    text = isinstance(field, models.CharField | models.TextField | models.JSONField)
    return (
        text
        and field.editable
        and not field.primary_key
        and not field.unique
        and not field.choices
        and not field.is_relation
        and (getattr(field, "max_length", None) or 1000) >= 20
        and not TECHNICAL.search(field.name)
    )


# The database refuses any change to an issued receipt or invoice (billing migration 0002), so
# their text is what canary_world issued: the coach's billing name and address, the session name.
ISSUED_DOCUMENTS = {"billing.Document", "billing.DocumentLine"}


from coaching.packages.models import Package  # noqa: E402
from coaching.packages.services import (  # noqa: E402
    booking_from_credit,
    client_package_activate,
    client_package_start,
)


def fill_canaries(user, canary: Canary) -> list[str]:
    """Every free-text column of every row the registry finds for the person gets the canary."""
    filled = []
    for declaration in personal_data():
        model = declaration.model
        unique_together = {
            name
            for constraint in model._meta.constraints
            if isinstance(constraint, models.UniqueConstraint)
            for name in constraint.fields
        }
        columns = [
            f for f in model._meta.concrete_fields if _fillable(f) and f.name not in unique_together
        ]
        if not columns:
            continue
        if declaration.model_label in ISSUED_DOCUMENTS:
            continue
        for pk in declaration.rows(user).values_list("pk", flat=True):
            values = {}
            others = {
                name
                for hold in declaration.holds
                if not model._default_manager.filter(pk=pk, **{hold.person: user}).exists()
                for name in hold.fields
            }
            for field in columns:
                if field.name in others:
                    continue  # e.g. a receipt's issuer: the coach's words, never the client's
                if isinstance(field, models.JSONField):
                    values[field.attname] = {"note": canary.text(field.name)}
                else:
                    values[field.attname] = canary.text(field.name)[: field.max_length or None]
            model._default_manager.filter(pk=pk).update(**values)
            filled.extend(f"{model._meta.db_table}.{c}" for c in values)
    return sorted(set(filled))


def fake_processors(mock: responses.RequestsMock) -> None:
    """Zendesk takes tickets and knows both people; Twilio has one SMS to each number."""
    tickets = iter(range(9001, 9100))

    def new_ticket(request):
        return 201, {}, json.dumps({"ticket": {"id": next(tickets)}})

    mock.add_callback(responses.POST, f"{ZENDESK}/api/v2/tickets.json", callback=new_ticket)

    def search(request):
        query = request.params["query"]
        users = {CLIENT.email: 501, COACH.email: 502}
        found = [{"id": users[query], "email": query}] if query in users else []
        return 200, {}, json.dumps({"users": found})

    mock.add_callback(responses.GET, f"{ZENDESK}/api/v2/users/search.json", callback=search)
    for user_id, ticket in [(501, 9500), (502, 9501)]:
        mock.get(
            f"{ZENDESK}/api/v2/users/{user_id}/tickets/requested.json",
            json={"tickets": [{"id": ticket}]},
        )
    mock.add(
        responses.DELETE, re.compile(rf"{ZENDESK}/api/v2/(deleted_)?(tickets|users)/\d+\.json")
    )

    def messages(request):
        number = request.params.get("To", "")
        sid = "SM" + number[-4:].rjust(32, "0")
        page = {
            "messages": [{"sid": sid, "account_sid": TWILIO_SID, "to": number, "body": "x"}],
            "next_page_uri": None,
            "page": 0,
            "page_size": 50,
            "uri": "/x",
        }
        return 200, {}, json.dumps(page)

    mock.add_callback(responses.GET, f"{TWILIO_MESSAGES}.json", callback=messages)
    mock.add(responses.DELETE, re.compile(rf"{TWILIO_MESSAGES}/SM\w+\.json"), status=204)


def use_everything(user, canary: Canary) -> None:
    """What any person leaves: sessions, consents, a support request, an export, settings."""
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.create()
    UserSession.objects.create(
        user=user, ip=canary.ip, session_key=store.session_key, user_agent=canary.text("agent")
    )
    consent_record(user=user, decisions={"email_news": True}, source="settings", ip=canary.ip)
    cookie_choice_record(
        statistics=True, marketing=True, token=canary.last, user=user, ip=canary.ip
    )
    item = support_request_submit(
        user=user,
        name=canary.name,
        email=canary.email,
        subject=canary.text("subject"),
        message=canary.text("message"),
    )
    deliver_support_request.apply(args=[item.pk])
    Preferences.objects.update_or_create(user=user, defaults={"sms_confirmed_phone": canary.phone})
    export = data_export_request(user=user)
    build_data_export.apply(args=[export.pk])
    LogEntry.objects.create(
        user=StaffFactory(accepted_terms=False),
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=canary.email,
        action_flag=CHANGE,
        change_message=canary.text("changed"),
    )


def canary_world(paypal) -> tuple[User, User]:
    """A coach and a client who booked, paid, cancelled (with reasons), were refunded, met on
    video, wrote to support, exported their data and chose consents."""
    coach = UserFactory(email=COACH.email, display_name=COACH.name, phone=COACH.phone)
    practice = PracticeFactory(
        owner=coach,
        slug="praxis-canary",
        name=f"Praxis {COACH.last}",
        headline=COACH.text("headline"),
        bio=COACH.text("bio"),
        billing_name=COACH.name,
        billing_address=COACH.text("address"),
    )
    session_type = SessionTypeFactory(
        practice=practice, name=f"Erstgespräch mit {COACH.name}", price="80.00"
    )
    practice_publish(practice=practice, actor=coach)
    client = UserFactory(email=CLIENT.email, display_name=CLIENT.name, phone=CLIENT.phone)

    day = datetime.timedelta(days=1)
    # Cancelled by the client with a reason, refunded.
    first = paid_booking(paypal, client=client, session_type=session_type)
    booking_cancel(booking=first, actor=client, role="client", reason=CLIENT.text("reason"))
    # Cancelled by the coach, naming the client.
    second = paid_booking(paypal, client=client, session_type=session_type, start=TUESDAY_10 + day)
    booking_cancel(booking=second, actor=coach, role="coach", reason=f"Sorry {CLIENT.name}")
    # Paid and still ahead (erasure cancels and refunds it), with a video room.
    third = paid_booking(
        paypal, client=client, session_type=session_type, start=TUESDAY_10 + 2 * day
    )
    room = VideoRoom.objects.create(booking=third, room_sid="RM" + "1" * 32)
    ParticipantEvent.objects.create(
        room=room,
        kind="participant-connected",
        role="client",
        sequence=1,
        occurred_at=third.start,
        participant_sid="PA1",
    )
    # The coach's questionnaire and agreement (a PDF, in the private storage); the client's
    # answers and acceptance.
    form = publish_form(practice, [QuestionData(kind="text", label=COACH.text("question"))])
    answer_form(practice, client, form, first_answer=CLIENT.text("answer"))
    agreement = agreement_publish(practice=practice, actor=coach, pdf=pdf_bytes())
    accept_agreement(agreement, client)
    RoomSeat.objects.create(room=room, role="client", browser="b" * 64, seen_at=third.start)
    RoomSettings.objects.create(practice=practice, waiting_note=COACH.text("waiting"))
    # Coach and client wrote, noted, set and answered a task, shared files naming both.
    relationship = Relationship.objects.get_or_create(practice=practice, client=client)[0]
    fill_relationship(relationship, f"{CLIENT.text('message')} {COACH.text('message')}")
    # A package bought and used once (its credits stay, without the client, after erasure).
    package = Package.objects.create(
        practice=practice, session_type=session_type, name="Fünferkarte", sessions=5, price="350"
    )
    client_package = client_package_start(package_id=package.pk, practice=practice, client=client)
    client_package_activate(client_package_id=client_package.pk)
    booking_from_credit(client_package=client_package, client=client, start=TUESDAY_10 + 3 * day)
    for person, canary in [(client, CLIENT), (coach, COACH)]:
        use_everything(person, canary)
    return client, coach
