"""Security headers on every HTML page, and HTTPS-only behaviour under production settings."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from privacy.cookies import CONSENT_COOKIE_NAME
from tests.bookings.fixtures import TUESDAY_10
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.security.url_classes import PUBLIC, SIGNED_IN, named_patterns, url_arguments

pytestmark = pytest.mark.django_db


def assert_secure_headers(response, where):
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert "'unsafe-inline'" not in directives.get("script-src", []), where
    assert "'unsafe-eval'" not in directives.get("script-src", []), where
    assert directives.get("object-src") == ["'none'"], where
    assert directives.get("frame-ancestors") == ["'none'"], where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", where
    assert response.headers.get("Cross-Origin-Opener-Policy") == "same-origin", where
    features = dict(
        item.strip().split("=", 1)
        for item in response.headers.get("Permissions-Policy", "").split(",")
        if item.strip()
    )
    assert features.get("camera") == "(self)" and features.get("microphone") == "(self)", where
    assert features.get("geolocation") == "()" and features.get("payment") == "()", where


def _check_every_page(client, urls: dict[str, str]) -> set[str]:
    """GET each address and check the headers of every HTML answer, redirects (e.g. to
    reauthenticate) and refusals included; returns the addresses that answered 200 with a page.
    What answers with something else (JSON, a download, 405 to a form's POST-only action) has
    no page to protect."""
    pages = set()
    for where, url in urls.items():
        response = client.get(url)
        if response.headers.get("Content-Type", "").startswith("text/html"):
            assert_secure_headers(response, (where, response.status_code))
            if response.status_code == 200:
                pages.add(where)
    return pages


def _sign_in_and_confirm_password(client, user):
    """So that the pages asking to confirm the password first (deleting the account, exporting
    data, two-factor setup) show themselves instead of redirecting."""
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
    assert response.status_code == 302, response.status_code


def _without_arguments(names):
    patterns = named_patterns()
    return {name: reverse(name) for name in names if not url_arguments(patterns[name])}


# How many addresses answer with a page in each test today: a minimum, not an exact count, so a
# new page needs no edit here, while pages that turn into redirects or errors fail the test.
PUBLIC_PAGES = 17
SIGNED_IN_PAGES = 15
COACH_PAGES = 27


def test_public_pages(client, practice):
    urls = _without_arguments(PUBLIC) | {
        "the practice": reverse("practices:detail", args=[practice.slug]),
    }
    pages = _check_every_page(client, urls)
    assert {"home", "practices:directory", "the practice", "account_login"} <= pages
    assert len(pages) >= PUBLIC_PAGES, sorted(urls.keys() - pages)
    # Again, now that home, directory and practice come from the page cache (sofadoc/pagecache.py).
    assert _check_every_page(client, urls) == pages


def test_signed_in_pages_of_someone_without_a_practice(client):
    _sign_in_and_confirm_password(client, UserFactory())
    urls = _without_arguments(SIGNED_IN)
    pages = _check_every_page(client, urls)
    assert {"bookings:mine", "accounts:profile", "practices:start"} <= pages
    assert {"privacy:export", "privacy:delete", "mfa_activate_totp"} <= pages
    assert len(pages) >= SIGNED_IN_PAGES, sorted(urls.keys() - pages)


def test_a_coachs_pages(client, world, frozen):
    """The coach's own practice with a session type, a booking and time off, so the setup pages
    and the calendar show their real content rather than an empty state."""
    _sign_in_and_confirm_password(client, world.coach)
    coach_pages = {
        "practices:setup",
        "practices:profile",
        "practices:photo",
        "practices:session_types",
        "practices:session_type_add",
        "practices:hours",
        "practices:rules",
        "practices:billing",
        "practices:time_off",
        "bookings:coach",
    }
    urls = _without_arguments(SIGNED_IN) | {
        "the session type": reverse("practices:session_type_edit", args=[world.session_type.pk]),
        "the booked week": reverse("bookings:coach") + f"?week={world.booking.start:%Y-%m-%d}",
        "the practice": reverse("practices:detail", args=[world.practice.slug]),
    }
    pages = _check_every_page(client, urls)
    assert coach_pages | {"the session type", "the booked week", "the practice"} <= pages
    assert len(pages) >= COACH_PAGES, sorted(urls.keys() - pages)


def test_a_clients_pages_about_their_booking(client, world, frozen):
    client.force_login(world.client)
    free = TUESDAY_10 + timedelta(hours=2)
    urls = {
        "booking page": reverse("bookings:start", args=[world.practice.slug, world.session_type.pk])
        + f"?start={free:%Y-%m-%dT%H:%M:%SZ}",
        "booking": reverse("bookings:detail", args=[world.booking.reference]),
        "receipt": reverse("bookings:receipt", args=[world.booking.reference]),
        "video": reverse("video:join", args=[world.booking.reference]),
        "message": reverse("notifications:detail", args=[world.message.pk]),
    }
    assert _check_every_page(client, urls) == urls.keys()


def test_error_pages(client, world, frozen):
    client.force_login(world.client)
    urls = {
        "no such address": "/gibt-es-nicht/",
        "no such booking": reverse("bookings:detail", args=["NOT-A-BOOKING"]),
        "a bad filter": reverse("practices:directory") + "?max_price=-1",
    }
    statuses = {}
    for where, url in urls.items():
        response = client.get(url)
        statuses[where] = response.status_code
        assert response.headers["Content-Type"].startswith("text/html"), where
        assert_secure_headers(response, (where, response.status_code))
    assert statuses == {"no such address": 404, "no such booking": 404, "a bad filter": 400}


def test_the_csrf_failure_page(world):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.client)
    response = strict.post(reverse("accounts:profile"), {"display_name": "X"})
    assert response.status_code == 403 and b"CSRF" in response.content
    assert response.headers["Content-Type"].startswith("text/html")
    assert_secure_headers(response, "CSRF failure")


def test_the_video_page_may_connect_to_twilio_and_nothing_else_may(client, world, frozen):
    client.force_login(world.client)
    join = client.get(reverse("video:join", args=[world.booking.reference]))
    other = client.get(reverse("bookings:detail", args=[world.booking.reference]))
    assert "twilio.com" in join.headers["Content-Security-Policy"]
    assert "twilio.com" not in other.headers["Content-Security-Policy"]


@pytest.fixture
def production_https(settings):
    """The values production runs with (tests/test_settings.py checks them with --deploy)."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True


def test_under_production_settings_http_goes_to_https(client, production_https):
    response = client.get(reverse("home"))
    assert response.status_code == 301 and response.url.startswith("https://")
    # The load balancer's health probe still gets its answer over plain http.
    assert client.get(reverse("healthz")).status_code == 200


def test_under_production_settings_hsts_and_cookies_are_https_only(
    client, production_https, settings
):
    user = UserFactory()
    home = client.get(reverse("home"), secure=True)
    assert home.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    client.get(reverse("account_login"), secure=True)
    client.post(
        reverse("account_login"),
        {"login": user.email, "password": DEFAULT_PASSWORD},
        secure=True,
    )
    client.post(reverse("privacy:cookie_consent"), {"choice": "reject_all"}, secure=True)
    names = {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, CONSENT_COOKIE_NAME}
    cookies = {name: morsel for name, morsel in client.cookies.items() if morsel.value}
    assert names <= cookies.keys()
    for name in names:
        assert cookies[name]["secure"], name
        assert cookies[name]["httponly"], name
        assert cookies[name]["samesite"] == "Lax", name
