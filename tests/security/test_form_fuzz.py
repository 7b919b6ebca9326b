"""Every form a person can send, sent with hypothesis-made nonsense by the person who would send
it: odd unicode, NUL bytes, very long text, huge and negative numbers, impossible dates, missing
and extra fields, lists where one value belongs. Whatever comes in, the answer is never a 500.

Each example starts from a valid submission and spoils some of it, so the nonsense reaches past
the first field that would refuse it. Examples share one database state per form (the function-
scoped fixtures are set up once per form, on purpose): later examples see what earlier ones did.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coaching.notifications.forms import PreferencesForm
from coaching.packages.forms import CouponForm
from coaching.practices.forms import (
    BillingForm,
    DirectoryFilterForm,
    PracticeProfileForm,
    PracticeStartForm,
    RulesForm,
    SessionTypeForm,
    SlotsQueryForm,
    TimeOffForm,
)
from coaching.practices.models import WeeklyHours
from privacy.forms import DeleteAccountForm, SupportForm
from sofadoc.accounts.forms import ProfileForm, SignupForm
from tests.factories import DEFAULT_PASSWORD
from tests.security.clients_cases import clients_world
from tests.security.conftest import World
from tests.security.url_classes import named_patterns, url_arguments

pytestmark = pytest.mark.django_db

SPOILERS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\u202egnp.exe",
    "Ünïcödé ☃ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👩🏽‍💻",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "x" * 5000,
    "-1",
    "0",
    "-0.001",
    "1e309",
    "NaN",
    "Infinity",
    str(2**63),
    str(-(2**63) - 1),
    "9" * 40,
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "2026-06-02T08:00:00",
    "2026-06-02T08:00:00+14:00",
    "9999-12-31T23:59:59Z",
    "25:61",
    "24:00",
    "on",
    "Europe/Atlantis",
    "../../etc/passwd",
    "https://evil.example/",
    "//evil.example",
]
scalar = st.one_of(
    st.sampled_from(SPOILERS),
    st.text(max_size=40),
    st.integers().map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.dates().map(str),
)
value = st.one_of(scalar, st.lists(scalar, min_size=2, max_size=3))
extra_name = st.one_of(
    st.sampled_from(["id", "pk", "owner", "is_staff", "state"]), st.text(max_size=10)
)


def fields_of(form_class) -> list[str]:
    return list(form_class.base_fields)


HOURS_FIELDS = [
    f"d{day}_{index}_{part}"
    for day in WeeklyHours.Weekday.values
    for index in range(3)
    for part in ("start", "end")
]


@dataclass
class Form:
    role: str  # who sends it: a role of the World, "anonymous" or "newcomer" (no practice)
    url: Callable[[World], str]
    fields: list[str]
    valid: Callable[[World], dict] = lambda w: {}
    method: str = "post"
    reauthenticate: bool = False  # the view wants the password entered again first
    # Sending it may sign someone in or out: sign in again before each example.
    changes_who_is_signed_in: bool = False


url = lambda name, **kw: lambda w: reverse(name, kwargs=kw)  # noqa: E731

FORMS = {
    # allauth
    "signup": Form(
        "anonymous",
        url("account_signup"),
        ["email", "password1", "password2", *fields_of(SignupForm)],
        lambda w: {
            "email": "neu@example.org",
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
            "display_name": "Neu",
            "age_18": "on",
            "terms": "on",
            "privacy": "on",
        },
        changes_who_is_signed_in=True,
    ),
    "login": Form(
        "anonymous",
        url("account_login"),
        ["login", "password", "remember"],
        lambda w: {"login": w.client.email, "password": "wrong password"},
        changes_who_is_signed_in=True,
    ),
    "password_reset": Form(
        "anonymous", url("account_reset_password"), ["email"], lambda w: {"email": w.client.email}
    ),
    "reauthenticate": Form("client", url("account_reauthenticate"), ["password"]),
    "email_add": Form(
        "client",
        url("account_email"),
        ["email", "action_add", "action_remove", "action_primary"],
        lambda w: {"email": "zweite@example.org", "action_add": ""},
    ),
    "password_change": Form(
        "client",
        url("account_change_password"),
        ["oldpassword", "password1", "password2"],
        lambda w: {"oldpassword": "wrong", "password1": "x", "password2": "y"},
        changes_who_is_signed_in=True,
    ),
    # The person's own settings
    "profile": Form(
        "client",
        url("accounts:profile"),
        fields_of(ProfileForm),
        lambda w: {"display_name": "Jonas", "time_zone": "Europe/Berlin", "language": "de"},
    ),
    "language": Form(
        "client", url("accounts:set_language"), ["language", "next"], lambda w: {"language": "en"}
    ),
    "notification_preferences": Form(
        "client",
        url("notifications:preferences"),
        fields_of(PreferencesForm),
        lambda w: {"reminder_timing": "24h"},
    ),
    "sms_code": Form("client", url("notifications:sms_code_confirm"), ["code"]),
    "sms_send": Form("client", url("notifications:sms_code_send"), []),
    "news_opt_in": Form("client", url("notifications:news_subscribe"), []),
    "accept_terms": Form("client", url("privacy:accept"), ["terms", "privacy", "next"]),
    "cookie_settings": Form(
        "anonymous",
        url("privacy:cookie_consent"),
        ["choice", "statistics", "marketing", "next"],
        lambda w: {"choice": "save", "statistics": "on"},
    ),
    "support_anonymous": Form(
        "anonymous",
        url("privacy:support"),
        fields_of(SupportForm),
        lambda w: {"name": "A", "email": "a@example.org", "subject": "S", "message": "M"},
    ),
    "support_signed_in": Form(
        "client",
        url("privacy:support"),
        fields_of(SupportForm),
        lambda w: {"name": "A", "email": "a@example.org", "subject": "S", "message": "M"},
    ),
    "data_export": Form("client", url("privacy:export"), [], reauthenticate=True),
    "erasure": Form(
        "client",
        url("privacy:delete"),
        fields_of(DeleteAccountForm),
        reauthenticate=True,
        changes_who_is_signed_in=True,
    ),
    # Setting up a practice
    "practice_start": Form(
        "newcomer",
        url("practices:start"),
        fields_of(PracticeStartForm),
        lambda w: {"name": "Neue Praxis", "time_zone": "Europe/Berlin"},
    ),
    "practice_profile": Form(
        "coach",
        url("practices:profile"),
        fields_of(PracticeProfileForm),
        lambda w: {
            "name": "Praxis Anna",
            "slug": "anna",
            "headline": "Kopfzeile",
            "bio": "Text",
            "time_zone": "Europe/Berlin",
        },
    ),
    "practice_photo": Form("coach", url("practices:photo"), ["photo", "remove"]),
    "session_type_new": Form(
        "coach",
        url("practices:session_type_add"),
        fields_of(SessionTypeForm),
        lambda w: {"name": "Neu", "duration_minutes": "45", "price": "60", "position": "1"},
    ),
    "session_type_edit": Form(
        "coach",
        lambda w: reverse("practices:session_type_edit", args=[w.session_type.pk]),
        fields_of(SessionTypeForm),
        lambda w: {"name": "Alt", "duration_minutes": "60", "price": "80", "position": "0"},
    ),
    "weekly_hours": Form(
        "coach",
        url("practices:hours"),
        HOURS_FIELDS,
        lambda w: {"d0_0_start": "09:00", "d0_0_end": "17:00"},
    ),
    "rules": Form(
        "coach",
        url("practices:rules"),
        fields_of(RulesForm),
        lambda w: {
            "min_notice_hours": "12",
            "horizon_days": "60",
            "buffer_before_minutes": "0",
            "buffer_after_minutes": "10",
            "slot_step_minutes": "30",
            "cancellation_window_hours": "24",
        },
    ),
    "billing": Form(
        "coach",
        url("practices:billing"),
        fields_of(BillingForm),
        lambda w: {"billing_name": "Anna", "billing_address": "Weg 1", "tax_number": "1/2/3"},
    ),
    "time_off": Form(
        "coach",
        url("practices:time_off"),
        fields_of(TimeOffForm),
        lambda w: {"first_day": "2026-08-01", "last_day": "2026-08-14"},
    ),
    "publish": Form("coach", url("practices:publish"), ["action"], lambda w: {"action": "publish"}),
    "coupon_new": Form(
        "coach",
        url("packages:coupons"),
        fields_of(CouponForm),
        lambda w: {"code": "SOMMER20", "kind": "percent", "value": "20", "max_uses": "10"},
    ),
    # Booking
    "booking_start_page": Form(
        "client",
        lambda w: reverse("bookings:start", args=[w.practice.slug, w.session_type.pk]),
        ["start", "price", "coupon"],
        lambda w: {"start": "2026-06-02T12:00:00Z"},
        method="get",
    ),
    "booking_start": Form(
        "client",
        lambda w: reverse("bookings:start", args=[w.practice.slug, w.session_type.pk]),
        ["start", "price", "coupon"],
        lambda w: {"start": "2026-06-02T12:00:00Z", "price": "80.00"},
    ),
    "booking_cancel": Form(
        "client",
        lambda w: reverse("bookings:cancel", args=[w.booking.reference]),
        ["reason"],
        lambda w: {"reason": "Krank"},
    ),
    "booking_move": Form(
        "client",
        lambda w: reverse("bookings:move", args=[w.booking.reference]),
        ["start"],
        lambda w: {"start": "2026-06-02T12:00:00Z"},
    ),
    "paypal_return": Form(
        "client",
        lambda w: reverse("bookings:paypal_return", args=[w.held.reference]),
        ["token"],
        lambda w: {"token": w.held_order},
        method="get",
    ),
    "coach_week": Form("coach", url("bookings:coach"), ["week"], method="get"),
    # Public reading with query parameters
    "directory": Form(
        "anonymous",
        url("practices:directory"),
        [*fields_of(DirectoryFilterForm), "page"],
        method="get",
    ),
    "practice_page": Form(
        "anonymous",
        lambda w: reverse("practices:detail", args=[w.practice.slug]),
        ["from"],
        method="get",
    ),
    "slots_json": Form(
        "anonymous",
        lambda w: reverse("practices:slots", args=[w.practice.slug]),
        [*fields_of(SlotsQueryForm), "tz"],
        lambda w: {"type": str(w.session_type.pk), "start": "2026-06-02", "days": "7"},
        method="get",
    ),
    "inbox_page": Form("client", url("notifications:list"), ["page"], method="get"),
    # The coach-client relationship (tests/security/clients_cases.py makes it)
    "client_message": Form(
        "client",
        lambda w: reverse("clients:thread", args=[clients_world(w).relationship.pk]),
        ["text"],
        lambda w: {"text": "Hallo"},
    ),
    "thread_page": Form(
        "client",
        lambda w: reverse("clients:thread", args=[clients_world(w).relationship.pk]),
        ["before"],
        method="get",
    ),
    "private_note": Form(
        "coach",
        lambda w: reverse("clients:note_add", args=[clients_world(w).relationship.pk]),
        ["text", "booking"],
        lambda w: {"text": "Notiz"},
    ),
    "client_task": Form(
        "coach",
        lambda w: reverse("clients:task_add", args=[clients_world(w).relationship.pk]),
        ["title", "description", "due_date"],
        lambda w: {"title": "Übung", "due_date": "2026-06-05"},
    ),
    "task_answer": Form(
        "client",
        lambda w: reverse("clients:task_answer", args=[clients_world(w).task.pk]),
        ["answer", "done"],
        lambda w: {"answer": "Erledigt", "done": "on"},
    ),
    "client_settings": Form(
        "coach",
        url("clients:settings"),
        ["office_hours", "keep_days_after_end"],
        lambda w: {"office_hours": "Mo-Do", "keep_days_after_end": "90"},
    ),
    "client_list": Form("coach", url("clients:list"), ["q", "page"], method="get"),
}


@st.composite
def submissions(draw, form: Form, valid: dict):
    data = dict(valid)
    for name in form.fields:
        choice = draw(st.sampled_from(["keep", "keep", "spoil", "drop"]))
        if choice == "spoil" or (choice == "keep" and name not in data and draw(st.booleans())):
            data[name] = draw(value)
        elif choice == "drop":
            data.pop(name, None)
    for _ in range(draw(st.integers(0, 2))):
        data[draw(extra_name)] = draw(value)
    return data


def _sign_in(client, world: World, role: str):
    client.logout()
    if role == "newcomer":
        client.force_login(world.other_client)
    elif role != "anonymous":
        client.force_login(world.user(role))


@pytest.mark.parametrize("name", sorted(FORMS))
def test_nonsense_is_never_a_server_error(client, world, name):
    form = FORMS[name]
    target = form.url(world)
    valid = form.valid(world)
    _sign_in(client, world, form.role)
    if form.reauthenticate:
        client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})

    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(data=submissions(form, valid))
    def send(data):
        if form.changes_who_is_signed_in:
            _sign_in(client, world, form.role)
            if form.reauthenticate:
                client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
        response = getattr(client, form.method)(target, data)
        assert response.status_code < 500, (name, data, response.status_code)

    send()


def _address_template(name: str) -> tuple[str, dict[str, str]]:
    """The URL with a marker in place of each argument, to be replaced by generated text."""
    pattern = named_patterns()[name]
    markers = {}
    for position, key in enumerate(sorted(url_arguments(pattern))):
        converter = pattern.pattern.converters.get(key)
        is_int = type(converter).__name__ == "IntConverter"
        markers[key] = str(987650 + position) if is_int else f"marker{position}"
    return reverse(name, kwargs=markers), markers


ADDRESSED = sorted(name for name, pattern in named_patterns().items() if url_arguments(pattern))
path_part = st.one_of(
    st.sampled_from([s for s in SPOILERS if s]),
    st.text(min_size=1, max_size=30),
    st.integers().map(str),
)


def test_nonsense_in_the_address_is_never_a_server_error(client, world):
    """References, ids, slugs and tokens in the address, as the signed-in client."""
    client.force_login(world.client)

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        name=st.sampled_from(ADDRESSED),
        parts=st.lists(path_part, min_size=2, max_size=2),
        method=st.sampled_from(["get", "post"]),
    )
    def send(name, parts, method):
        address, markers = _address_template(name)
        for marker, part in zip(markers.values(), parts, strict=False):
            address = address.replace(marker, quote(part, safe=""), 1)
        response = getattr(client, method)(address)
        assert response.status_code < 500, (address, response.status_code)

    send()


def test_a_nul_byte_in_the_address_is_a_clear_400(client, world):
    """PostgreSQL cannot compare text with NUL: such a lookup was a 500 (found by the fuzz
    above), so sofadoc.middleware.RejectNulMiddleware answers before any view runs."""
    client.force_login(world.client)
    for name in ADDRESSED:
        address, markers = _address_template(name)
        for marker in markers.values():
            spoiled = address.replace(marker, "a%00b", 1)
            for method in (client.get, client.post):
                response = method(spoiled)
                # 404: the slug and int converters do not even match it.
                assert response.status_code in (400, 404), (spoiled, response.status_code)
    response = client.get(f"{reverse('bookings:coach')}?week=%00")
    assert response.status_code == 400
    assert response.content.decode() == "Your request contains a character that is not allowed."


def test_what_the_fuzzing_found_stays_fixed(client, world):
    """Each of these was a 500 before: dates at the ends of the calendar overflowed, and a
    ?next= that is not a path was taken for the name of a view."""
    client.force_login(world.client)
    book = reverse("bookings:start", args=[world.practice.slug, world.session_type.pk])
    for start in ("9999-12-31T23:59:59Z", "0001-01-01T00:00:00+14:00"):
        assert client.get(book, {"start": start}).status_code == 400
        assert client.post(book, {"start": start, "price": "80"}).status_code == 400
    move = reverse("bookings:move", args=[world.booking.reference])
    assert client.post(move, {"start": "9999-12-31T23:59:59Z"}).status_code == 409  # form error
    for target in ("25", "a\x00b", "https://evil.example/"):
        response = client.post(
            reverse("privacy:cookie_consent"), {"choice": "save", "next": target}
        )
        assert response.status_code == 302 and response.url == reverse("privacy:cookies")
    client.force_login(world.coach)
    for week in ("9999-12-31", "0001-01-01"):
        assert client.get(reverse("bookings:coach"), {"week": week}).status_code == 200
