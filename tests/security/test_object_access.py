"""Object-level access: every view that takes an id, reference, token or slug of something that
belongs to someone answers its owner, while another client, another coach and an anonymous
visitor get a 404 (or the login page, for signed-in pages) and change nothing.

The list is checked against the URL resolver: a new URL with an argument must be added to
MATRIX or, with the reason, to NOT_OWNED.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse

from coaching.bookings.models import Booking
from coaching.notifications.models import Notification, PushSubscription
from coaching.practices.models import SessionType, TimeOff
from coaching.practices.services import practice_unpublish
from coaching.video.models import ParticipantEvent, VideoRoom
from coaching.video.tasks import settle_attendance
from privacy.links import export_download_path
from tests.bookings.fixtures import TUESDAY_10
from tests.security.clients_cases import cases as clients_cases
from tests.security.conftest import SECRETS, World
from tests.security.url_classes import PUBLIC, SIGNED_IN, named_patterns, url_arguments

pytestmark = pytest.mark.django_db

OUTSIDERS = ("other_client", "other_coach", "anonymous")
# Pages of the signed-in coach's own practice (a person without one is sent to create it).
COACH_PAGES = ("practices:", "calendars:", "packages:edit", "packages:coupon_deactivate")


def _nothing_changes(world: World) -> None:
    return None


@dataclass
class Case:
    owner: str  # "client" or "coach" of the world
    kwargs: Callable[[World], dict]
    get: int | None = None  # the owner's status for GET; None: the view takes no GET
    post: Callable[[World], dict] | None = None  # the form the owner sends; None: no POST
    post_status: int = 302
    query: Callable[[World], str] = lambda w: ""
    # What the owner's request changes (given: it must change; not given: nothing to watch); a
    # refused request must leave it as it was.
    state: Callable[[World], Any] = _nothing_changes
    # The booking's other side: refused where the view is for one side only, else let in.
    also_refused: tuple[str, ...] = ()
    also_allowed: tuple[str, ...] = ()
    prepare: Callable[[World, Any], None] = lambda w, frozen: None

    @property
    def owner_changes_state(self) -> bool:
        return self.state is not _nothing_changes


def _booking_state(world: World):
    booking = Booking.objects.get(pk=world.booking.pk)
    return booking.state, booking.start, booking.refunds.count()


def _held_state(world: World):
    held = Booking.objects.get(pk=world.held.pk)
    return held.state, list(held.payments.values_list("status", flat=True))


def _in_session(world, frozen):
    frozen.move_to(TUESDAY_10 + timedelta(minutes=5))


def _after_a_no_show(world, frozen):
    _coach_came(world)
    frozen.move_to(TUESDAY_10 + timedelta(hours=2))
    settle_attendance.apply()


def _room(world: World, field: str):
    return VideoRoom.objects.filter(booking=world.booking).values_list(field, flat=True).first()


def _client_late(world, frozen):
    """20 minutes into the session, the coach in the room, the client not: a no-show may be
    marked."""
    frozen.move_to(TUESDAY_10 + timedelta(minutes=20))
    _coach_came(world)


def _coach_came(world):
    room, _new = VideoRoom.objects.get_or_create(booking=world.booking)
    ParticipantEvent.objects.create(
        room=room,
        kind="participant-connected",
        role="coach",
        sequence=1,
        occurred_at=TUESDAY_10,
    )


def _unpublished(world, frozen):
    practice_unpublish(practice=world.practice, actor=world.coach)


reference = lambda w: {"reference": w.booking.reference}  # noqa: E731


def _receipt(world: World) -> dict:
    """The booking's receipt, issued the way payments' announcement issues it (once)."""
    from coaching.billing.models import Document
    from tests.billing.factories import receipt_issued

    document = Document.objects.filter(practice=world.practice).first()
    if document is None:
        document = receipt_issued(world.practice, world.client, object_id=world.booking.pk)
    return {"pk": document.pk}


held_reference = lambda w: {"reference": w.held.reference}  # noqa: E731
HELD_ORDER_RETURN = Case(
    "client",
    held_reference,
    get=302,
    query=lambda w: f"?token={w.held_order}",
    state=_held_state,
    also_refused=("coach",),
)


def _with_intake(world, frozen):
    """The coach asks a questionnaire (its question names the secret words' owner)."""
    from tests.intake.helpers import publish_form

    publish_form(world.practice)


def _intake_state(world):
    from coaching.intake.models import IntakeAnswer, IntakeResponse

    return (
        list(IntakeResponse.objects.values_list("pk", "submitted_at")),
        IntakeAnswer.objects.count(),
    )


def _answered(world, frozen):
    from tests.intake.helpers import answer_form, publish_form

    answer_form(world.practice, world.client, publish_form(world.practice))


def _with_agreement(world, frozen):
    from tests.intake.helpers import publish_agreement

    publish_agreement(world.practice, text="Nur für Jonas: Vereinbarung")


def _accepted(world, frozen):
    from tests.intake.helpers import accept_agreement, publish_agreement

    accept_agreement(publish_agreement(world.practice), world.client)


def _acceptance_state(world):
    from coaching.intake.models import AgreementAcceptance

    return list(AgreementAcceptance.objects.values_list("pk", "revoked_at"))


def _agreement_pdf(world) -> dict:
    from coaching.intake.models import AgreementVersion
    from coaching.intake.services import agreement_publish
    from tests.intake.helpers import pdf_bytes

    version = AgreementVersion.objects.filter(practice=world.practice).first()
    if version is None:
        version = agreement_publish(practice=world.practice, actor=world.coach, pdf=pdf_bytes())
    return {"pk": version.pk}


def _calendar(world: World):
    """A connection of the coach's (no remote call: made directly) with one calendar."""
    from coaching.calendars.models import CalendarConnection, RemoteCalendar

    connection, _ = CalendarConnection.objects.get_or_create(
        practice=world.practice,
        defaults={
            "provider": "caldav",
            "account_name": "coach",
            "password": "secret-app-pw",
            "next_sync_at": TUESDAY_10 + timedelta(days=30),  # "read now" moves it to now
        },
    )
    calendar, _ = RemoteCalendar.objects.get_or_create(
        connection=connection, remote_id="https://dav.example.org/c/", defaults={"name": "K"}
    )
    return connection, calendar


def _connection_state(world: World):
    from coaching.calendars.models import CalendarConnection

    return list(CalendarConnection.objects.values_list("pk", "stale_after_hours", "next_sync_at"))


def _calendar_state(world: World):
    from coaching.calendars.models import RemoteCalendar

    return list(RemoteCalendar.objects.values_list("counts_as_busy", "receives_bookings"))


def _hour_block(world: World):
    from coaching.calendars.models import HourBlock

    block = HourBlock.objects.filter(practice=world.practice).first()
    if block is None:
        block = HourBlock.objects.create(
            practice=world.practice,
            start=TUESDAY_10 + timedelta(days=7),
            end=TUESDAY_10 + timedelta(days=7, hours=1),
        )
    return block


def _package(world: World):
    from coaching.packages.models import Package

    return Package.objects.get_or_create(
        practice=world.practice,
        session_type=world.session_type,
        defaults={"name": "Fünferkarte", "sessions": 5, "price": "350.00"},
    )[0]


def _coupon(world: World):
    from coaching.packages.models import Coupon

    return Coupon.objects.get_or_create(
        practice=world.practice, code="SOMMER20", defaults={"kind": "percent", "value": 20}
    )[0]


def _client_package(world: World, *, paid: bool = True):
    """The client's package (paid, or approved at PayPal and not yet captured), made once."""
    from coaching.packages.models import ClientPackage
    from coaching.packages.services import client_package_activate, client_package_start
    from coaching.payments.services import payment_start

    state = "active" if paid else "held"
    found = ClientPackage.objects.filter(client=world.client, state=state).first()
    if found is not None:
        return found
    client_package = client_package_start(
        package_id=_package(world).pk, practice=world.practice, client=world.client
    )
    payment = payment_start(
        purchase=client_package.purchase,
        return_url="https://x/r",
        cancel_url="https://x/c",
        locale="de-DE",
    )
    if paid:
        client_package_activate(client_package_id=client_package.pk)
    else:
        world.paypal.approve(payment.order_id)
    return client_package


def _package_state(world: World):
    from coaching.packages.models import ClientPackage

    rows = ClientPackage.objects.filter(client=world.client)
    return sorted(rows.values_list("state", "credits__delta"), key=str)


def _held_package(world: World) -> dict:
    return {"reference": _client_package(world, paid=False).reference}


def _held_package_order(world: World) -> str:
    from coaching.payments.models import Payment

    held = _client_package(world, paid=False)
    return "?token=" + Payment.objects.get(purchase=held.purchase).order_id


def _series(world: World, *, paid: bool = True):
    """The client's series of two Tuesdays (paid, or approved at PayPal and not captured)."""
    from coaching.packages.models import BookingSeries
    from coaching.packages.series_services import series_hold
    from coaching.payments.services import payment_capture, payment_start

    found = BookingSeries.objects.filter(client=world.client).first()
    if found is not None:
        return found
    series = series_hold(
        client=world.client,
        practice=world.practice,
        session_type_id=world.session_type.pk,
        starts=[TUESDAY_10 + timedelta(days=7), TUESDAY_10 + timedelta(days=14)],
        interval_weeks=1,
    )
    payment = payment_start(
        purchase=series.purchase, return_url="https://x/r", cancel_url="https://x/c", locale="de"
    )
    world.paypal.approve(payment.order_id)
    if paid:
        payment_capture(order_id=payment.order_id)
    return series


def _series_state(world: World):
    return sorted(
        Booking.objects.filter(client=world.client, purchase__series__isnull=False).values_list(
            "state", flat=True
        )
    )


def _series_order(world: World) -> str:
    from coaching.payments.models import Payment

    return "?token=" + Payment.objects.get(purchase=_series(world, paid=False).purchase).order_id


series_reference = lambda w: {"reference": _series(w).reference}  # noqa: E731
held_series_reference = lambda w: {"reference": _series(w, paid=False).reference}  # noqa: E731

# PayPal sends the client back to either URL with the held series' or package's order: the
# client's own.
SERIES_ORDER_RETURN = Case(
    "client",
    held_series_reference,
    get=302,
    query=_series_order,
    state=_series_state,
    also_refused=("coach",),
)
PACKAGE_ORDER_RETURN = Case(
    "client",
    _held_package,
    get=302,
    query=_held_package_order,
    state=_package_state,
    also_refused=("coach",),
)
# Syncing and deleting a calendar connection: a POST without a form, the coach's own.
CONNECTION_POST = Case(
    "coach",
    lambda w: {"pk": _calendar(w)[0].pk},
    post=lambda w: {},
    state=_connection_state,
)

MATRIX = {
    "calendars:connection_edit": Case(
        "coach",
        lambda w: {"pk": _calendar(w)[0].pk},
        post=lambda w: {"stale_after_hours": "12"},
        state=_connection_state,
    ),
    "calendars:sync": CONNECTION_POST,
    "calendars:delete": CONNECTION_POST,
    "calendars:calendar_edit": Case(
        "coach",
        lambda w: {"pk": _calendar(w)[1].pk},
        post=lambda w: {"counts_as_busy": "on", "receives_bookings": "on"},
        state=_calendar_state,
    ),
    "calendars:block_remove": Case(
        "coach",
        lambda w: {"pk": _hour_block(w).pk},
        post=lambda w: {},
        state=lambda w: list(w.practice.hour_blocks.values_list("pk", flat=True)),
    ),
    "packages:series_detail": Case("client", series_reference, get=200, also_refused=("coach",)),
    "packages:series_cancel": Case(
        "client",
        series_reference,
        get=200,
        post=lambda w: {},
        state=_series_state,
        also_refused=("coach",),
    ),
    "packages:series_paypal_return": SERIES_ORDER_RETURN,
    "packages:series_paypal_cancel": SERIES_ORDER_RETURN,
    "packages:edit": Case(
        "coach",
        lambda w: {"package_id": _package(w).pk},
        get=200,
        post=lambda w: {
            "name": "Zehnerkarte",
            "session_type": w.session_type.pk,
            "sessions": 10,
            "price": "650.00",
            "validity_days": 365,
            "expiry_rule": "expire",
            "is_active": "on",
        },
        state=lambda w: _package(w).name,
    ),
    "packages:coupon_deactivate": Case(
        "coach",
        lambda w: {"coupon_id": _coupon(w).pk},
        post=lambda w: {},
        state=lambda w: _coupon(w).is_active,
    ),
    "packages:detail": Case(
        "client",
        lambda w: {"reference": _client_package(w).reference},
        get=200,
        also_refused=("coach",),
    ),
    "packages:book": Case(
        "client",
        lambda w: {"reference": _client_package(w).reference},
        post=lambda w: {"start": "2026-06-02T10:00:00Z"},
        state=_package_state,
        also_refused=("coach",),
    ),
    "packages:paypal_return": PACKAGE_ORDER_RETURN,
    "packages:paypal_cancel": PACKAGE_ORDER_RETURN,
    "bookings:detail": Case("client", reference, get=200, also_allowed=("coach",)),
    "bookings:cancel": Case(
        "client",
        reference,
        get=200,
        post=lambda w: {"reason": "Keine Zeit"},
        state=_booking_state,
    ),
    "bookings:move": Case(
        "client",
        reference,
        get=200,
        post=lambda w: {"start": "2026-06-02T10:00:00Z"},
        state=_booking_state,
        also_refused=("coach",),
    ),
    "bookings:receipt": Case("client", reference, get=200, also_allowed=("coach",)),
    "bookings:ics": Case("client", reference, get=200, also_allowed=("coach",)),
    # The client's receipt; the coach issued it and sees it too.
    "billing:document": Case("client", _receipt, get=200, also_allowed=("coach",)),
    "billing:document_pdf": Case("client", _receipt, get=200, also_allowed=("coach",)),
    # PayPal sends the client back to either with the held booking's order: the client's own.
    "bookings:paypal_return": HELD_ORDER_RETURN,
    "bookings:paypal_cancel": HELD_ORDER_RETURN,
    "video:join": Case("client", reference, get=200, prepare=_in_session, also_allowed=("coach",)),
    # The client's token needs the coach's admission (tests/video/test_admission.py).
    "video:token": Case(
        "coach",
        reference,
        post=lambda w: {},
        post_status=200,
        prepare=_in_session,
        state=lambda w: VideoRoom.objects.filter(booking=w.booking).exists(),
    ),
    "video:wait": Case(
        "client",
        reference,
        post=lambda w: {},
        post_status=200,
        prepare=_in_session,
        state=lambda w: _room(w, "client_waiting_since"),
        also_refused=("coach",),
    ),
    "video:admit": Case(
        "coach",
        reference,
        post=lambda w: {},
        post_status=200,
        prepare=_in_session,
        state=lambda w: _room(w, "client_admitted_at"),
        also_refused=("client",),
    ),
    "video:status": Case("client", reference, post=lambda w: {}, post_status=200),
    "video:leave": Case("coach", reference, post=lambda w: {}, post_status=200),
    "video:no_show": Case(
        "coach",
        reference,
        post=lambda w: {},
        post_status=200,
        prepare=_client_late,
        state=_booking_state,
        also_refused=("client",),
    ),
    # Demo twin only; the owner has no seat in the room yet, so it is refused with a 409.
    "video:twin_chat": Case(
        "client", reference, post=lambda w: {"text": "Hallo"}, post_status=409, prepare=_in_session
    ),
    "video:preflight": Case(
        "coach", reference, post=lambda w: {}, post_status=200, prepare=_in_session
    ),
    "video:attendance": Case(
        "coach",
        reference,
        post=lambda w: {"attended": "1", "reason": "Per Telefon teilgenommen"},
        prepare=_after_a_no_show,
        state=lambda w: Booking.objects.get(pk=w.booking.pk).state,
        also_refused=("client",),
    ),
    # The questionnaire is the client's to answer and the coach's to ask again; the other side
    # of the booking is refused like anyone else.
    "intake:answer": Case(
        "client",
        reference,
        get=200,
        post=lambda w: {
            f"q{q.pk}": {"choice": "Suche", "scale": "5", "yes_no": "no"}.get(q.kind, "Antwort")
            for q in w.practice.intake_versions.first().questions.all()
        },
        prepare=_with_intake,
        state=_intake_state,
        also_refused=("coach",),
    ),
    "intake:ask_again": Case(
        "coach",
        reference,
        post=lambda w: {},
        prepare=_answered,
        state=_intake_state,
        also_refused=("client",),
    ),
    "intake:agreement": Case(
        "client",
        reference,
        get=200,
        post=lambda w: {"version": w.practice.agreement_versions.first().pk, "accept": "on"},
        prepare=_with_agreement,
        state=_acceptance_state,
        also_refused=("coach",),
    ),
    "intake:agreement_revoke": Case(
        "client",
        reference,
        post=lambda w: {},
        prepare=_accepted,
        state=_acceptance_state,
        also_refused=("coach",),
    ),
    # The agreement's PDF: its coach and the practice's clients.
    "intake:agreement_pdf": Case("coach", _agreement_pdf, get=200, also_allowed=("client",)),
    "notifications:detail": Case(
        "client",
        lambda w: {"pk": w.message.pk},
        get=200,
        state=lambda w: Notification.objects.get(pk=w.message.pk).read_at,
    ),
    "notifications:read": Case(
        "client",
        lambda w: {"pk": w.message.pk},
        post=lambda w: {},
        state=lambda w: Notification.objects.get(pk=w.message.pk).read_at,
    ),
    "notifications:push_device": Case(
        "client",
        lambda w: {"pk": w.push_device.pk},
        post=lambda w: {"reminders": "on"},
        state=lambda w: (
            PushSubscription.objects.filter(pk=w.push_device.pk)
            .values_list("reminders", "messages")
            .first()
        ),
    ),
    "privacy:export_download": Case(
        "client", lambda w: {"token": export_download_path(w.export).split("/")[-2]}, get=200
    ),
    "practices:session_type_edit": Case(
        "coach",
        lambda w: {"pk": w.session_type.pk},
        get=200,
        post=lambda w: {
            "name": "Umbenannt",
            "description": "",
            "duration_minutes": "60",
            "price": "80.00",
            "is_active": "on",
            "position": "0",
        },
        state=lambda w: SessionType.objects.get(pk=w.session_type.pk).name,
    ),
    "practices:time_off_delete": Case(
        "coach",
        lambda w: {"pk": w.time_off.pk},
        post=lambda w: {},
        state=lambda w: TimeOff.objects.filter(pk=w.time_off.pk).exists(),
    ),
    # An unpublished practice is the owner's preview; for everyone else it does not exist.
    "practices:detail": Case(
        "coach", lambda w: {"slug": w.practice.slug}, get=200, prepare=_unpublished
    ),
    "practices:slots": Case(
        "coach",
        lambda w: {"slug": w.practice.slug},
        get=200,
        query=lambda w: f"?type={w.session_type.pk}&start=2026-06-02",
        prepare=_unpublished,
    ),
}

MATRIX.update(clients_cases(Case))

# URLs with an argument that does not name something of one person's, and why.
NOT_OWNED = {
    "privacy:policy_version": "a published legal document",
    "privacy:terms_version": "a published legal document",
    "privacy:cookies_version": "a published legal document",
    "account_confirm_email": "allauth's signed e-mail confirmation key",
    "account_reset_password_from_key": "allauth's signed password-reset key",
    "bookings:start": "any signed-in person books a published offer (see the test below)",
    "packages:buy": "any signed-in person buys a published offer (tests/packages)",
    "packages:series_start": "any signed-in person books a published offer (tests/packages)",
    "bookings:feed": "a random secret for calendar apps; replaced: 404 (tests/bookings)",
    "calendars:oauth_start": "a provider's name; connects the requester's own practice",
    "calendars:oauth_callback": "a provider's name; checks the state kept in the session",
    "payments:twin_approve": "the PayPal stand-in, demo mode only (tests/bookings)",
    "payments_coach:earnings_csv": "a month of the requester's own practice (tests/payments)",
    "payments_coach:twin_signup": "the requester's own tracking id, else 404 (tests/payments)",
    "notifications:opened": "open pixel, same answer for every token (test_url_access)",
    "notifications:news_confirm": "signed, expiring token (tests/notifications)",
    "notifications:news_unsubscribe": "signed token (tests/notifications)",
}


def test_every_url_with_an_argument_is_in_the_matrix():
    with_arguments = {name for name, p in named_patterns().items() if url_arguments(p)}
    assert sorted(with_arguments - MATRIX.keys() - NOT_OWNED.keys()) == []
    assert sorted((MATRIX.keys() | NOT_OWNED.keys()) - with_arguments) == []
    assert not MATRIX.keys() & NOT_OWNED.keys()


def _sign_in(client, world: World, role: str):
    client.logout()
    user = world.user(role)
    if user is not None:
        client.force_login(user)


def _assert_refused(response, name: str, role: str, world: World):
    where = (name, role, response.status_code)
    if role == "anonymous" and name in SIGNED_IN:
        assert response.status_code == 302, where
        assert response.url.startswith(reverse("account_login")), where
        return
    if role == "other_client" and name.startswith(COACH_PAGES) and name not in PUBLIC:
        # The coach's own pages send people without a practice to create one: nothing of
        # anyone else's is looked up.
        assert response.status_code == 302, where
        assert response.url == reverse("practices:start"), where
        return
    assert response.status_code == 404, where
    body = b"".join(response.streaming_content) if response.streaming else response.content
    for secret in SECRETS:
        assert secret.encode() not in body, (*where, secret)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_only_the_owner_reaches_it(client, world, frozen, name):
    case = MATRIX[name]
    case.prepare(world, frozen)
    url = reverse(name, kwargs=case.kwargs(world)) + case.query(world)
    before = case.state(world)

    for role in (*OUTSIDERS, *case.also_refused):
        _sign_in(client, world, role)
        if case.get is not None:
            _assert_refused(client.get(url), name, role, world)
        if case.post is not None:
            _assert_refused(client.post(url, case.post(world)), name, role, world)
        assert case.state(world) == before, (name, role, "changed something")

    for role in case.also_allowed:
        _sign_in(client, world, role)
        response = client.get(url)
        assert response.status_code == case.get, (name, role)
        if response.streaming:
            assert b"".join(response.streaming_content)  # read to the end, which closes the file

    _sign_in(client, world, case.owner)
    if case.post is not None:
        response = client.post(url, case.post(world))
        assert response.status_code == case.post_status, (name, response.status_code)
    if case.get is not None:
        response = client.get(url)
        assert response.status_code == case.get, (name, response.status_code)
        if response.streaming:
            assert b"".join(response.streaming_content)  # read to the end, which closes the file
    # The refused requests above would have done something: the same request by the owner did.
    assert (case.state(world) != before) == case.owner_changes_state, name


@pytest.mark.parametrize("name", sorted(set(MATRIX) & SIGNED_IN))
def test_an_anonymous_visitor_learns_nothing_from_the_login_redirect(client, world, frozen, name):
    """Signed-in pages send anonymous visitors to log in (the link in a reminder must lead there,
    not to a 404), before anything is looked up: a made-up id is answered exactly alike."""
    case = MATRIX[name]
    case.prepare(world, frozen)
    real = reverse(name, kwargs=case.kwargs(world)) + case.query(world)
    made_up = reverse(
        name,
        kwargs={
            k: (987654 if isinstance(v, int) else "SD-NONE-0000")
            for k, v in case.kwargs(world).items()
        },
    ) + case.query(world)
    method = client.get if case.get is not None else client.post
    answers = [method(url) for url in (real, made_up)]
    assert [a.status_code for a in answers] == [302, 302], name
    login = reverse("account_login")
    assert [a.url.split("?")[0] for a in answers] == [login, login], name
    assert len(answers[0].content) == len(answers[1].content), name


def test_booking_an_offer_of_another_or_a_hidden_practice_is_a_404(client, world, frozen):
    other = world.other_coach.practice.session_types.get()
    client.force_login(world.other_client)
    start = "?start=2026-06-02T08:00:00Z"
    wrong_pair = reverse(
        "bookings:start", kwargs={"slug": world.practice.slug, "session_type_id": other.pk}
    )
    assert client.get(wrong_pair + start).status_code == 404
    assert (
        client.post(wrong_pair, {"start": "2026-06-02T08:00:00Z", "price": "80"}).status_code == 404
    )
    practice_unpublish(practice=world.practice, actor=world.coach)
    hidden = reverse(
        "bookings:start",
        kwargs={"slug": world.practice.slug, "session_type_id": world.session_type.pk},
    )
    assert client.get(hidden + start).status_code == 404
    assert Booking.objects.filter(client=world.other_client).count() == 0
