import zoneinfo

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from sofadoc.accounts.middleware import UserPreferencesMiddleware
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_german_is_the_default_language(client):
    response = client.get(reverse("home"))
    assert response.headers["Content-Language"] == "de"
    assert "Coach finden" in response.content.decode()


def test_english_by_browser_preference_and_by_switcher(client):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.headers["Content-Language"] == "en"
    client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("home"))
    assert "Find a coach" in response.content.decode()
    client.post(reverse("accounts:set_language"), {"language": "de", "next": "/"})
    assert "Coach finden" in client.get(reverse("home")).content.decode()


def test_switching_language_while_signed_in_is_kept_on_the_account(client):
    user = UserFactory(language="de")
    client.force_login(user)
    client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"
    # A new browser (no language cookie) still gets the account's language.
    client.cookies.clear()
    client.force_login(user)
    assert client.get(reverse("home")).headers["Content-Language"] == "en"


def _zone_seen_by_view(request) -> str:
    seen = {}

    def view(req):
        seen["zone"] = timezone.get_current_timezone_name()
        return HttpResponse()

    UserPreferencesMiddleware(view)(request)
    return seen["zone"]


def test_time_zone_comes_from_account_then_browser_cookie_then_default():
    factory = RequestFactory()
    anonymous = factory.get("/")
    anonymous.user = type("Anon", (), {"is_authenticated": False})()
    assert _zone_seen_by_view(anonymous) == "Europe/Berlin"

    anonymous.COOKIES["sofadoc_tz"] = "America/New_York"
    assert _zone_seen_by_view(anonymous) == "America/New_York"

    anonymous.COOKIES["sofadoc_tz"] = "Not/AZone"
    assert _zone_seen_by_view(anonymous) == "Europe/Berlin"

    signed_in = factory.get("/", HTTP_COOKIE="sofadoc_tz=America/New_York")
    signed_in.user = UserFactory(time_zone="Asia/Tokyo")
    assert _zone_seen_by_view(signed_in) == "Asia/Tokyo"


def test_times_render_in_the_activated_zone(client):
    user = UserFactory(time_zone="Asia/Tokyo")
    client.force_login(user)
    response = client.get(reverse("accounts:profile"))
    assert response.context["TIME_ZONE"] == "Asia/Tokyo"
    assert zoneinfo.ZoneInfo(response.context["TIME_ZONE"])
