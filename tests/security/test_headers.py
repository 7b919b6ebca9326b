"""Security headers on every HTML page, and HTTPS-only behaviour under production settings."""

import pytest
from django.urls import reverse

from privacy.cookies import CONSENT_COOKIE_NAME
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.security.url_classes import PUBLIC, SIGNED_IN, named_patterns, url_arguments

pytestmark = pytest.mark.django_db


def _without_arguments(names):
    patterns = named_patterns()
    return sorted(name for name in names if not url_arguments(patterns[name]))


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


def _html_pages(client, names):
    """GET each page; yields the HTML answers (redirects, e.g. to reauthenticate, are skipped)."""
    seen = 0
    for name in names:
        response = client.get(reverse(name))
        if response.headers.get("Content-Type", "").startswith("text/html"):
            seen += 1
            yield name, response
    assert seen >= len(names) // 2  # most of them really are pages


def test_public_pages(client):
    for name, response in _html_pages(client, _without_arguments(PUBLIC)):
        assert_secure_headers(response, (name, response.status_code))


def test_signed_in_pages(client):
    client.force_login(UserFactory())
    for name, response in _html_pages(client, _without_arguments(SIGNED_IN)):
        assert_secure_headers(response, (name, response.status_code))


def test_pages_about_one_booking_and_error_pages(client, world, frozen):
    client.force_login(world.client)
    urls = [
        reverse("bookings:detail", args=[world.booking.reference]),
        reverse("bookings:receipt", args=[world.booking.reference]),
        reverse("video:join", args=[world.booking.reference]),
        reverse("notifications:detail", args=[world.message.pk]),
        reverse("bookings:detail", args=["NOT-A-BOOKING"]),  # 404
        reverse("practices:directory") + "?max_price=-1",  # 400
    ]
    statuses = set()
    for url in urls:
        response = client.get(url)
        statuses.add(response.status_code)
        assert_secure_headers(response, (url, response.status_code))
    assert statuses == {200, 400, 404}


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
