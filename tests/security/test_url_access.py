"""Every URL is classified (tests/security/url_classes.py). A new URL that is not classified, or
has no name to classify it by, fails here; everything that is not public refuses anonymous
visitors, and the admin refuses everyone but staff with two factors."""

from typing import NamedTuple
from urllib.parse import urlsplit

import pytest
from django.http import HttpResponse
from django.urls import include, path, reverse

from tests.factories import StaffFactory, UserFactory
from tests.security.url_classes import (
    DEMO_ONLY,
    OPEN_PIXEL,
    PUBLIC,
    SECRET_TOKEN,
    SIGNED_IN,
    WEBHOOKS,
    dummy_url,
    named_patterns,
    staff_only_patterns,
    staff_only_urls,
)


def test_every_url_is_classified():
    classified = PUBLIC | SIGNED_IN | SECRET_TOKEN | OPEN_PIXEL | WEBHOOKS | DEMO_ONLY
    names = set(named_patterns())
    assert sorted(names - classified) == []
    assert sorted(classified - names) == []  # no stale entries either


def _view(request):
    return HttpResponse()


def test_a_url_without_a_name_fails_the_enumeration():
    with pytest.raises(AssertionError, match="nameless/"):
        named_patterns([path("named/", _view, name="named"), path("nameless/", _view)])
    # Inside the admin's namespace an unnamed pattern is Django's own and staff-only.
    admin = path("admin/", include(([path("nameless/", _view)], "admin")))
    assert set(named_patterns([admin, path("named/", _view, name="named")])) == {"named"}


def test_the_whole_admin_is_staff_only():
    names = set(staff_only_patterns())
    # Enumerated, with the pages about one object, so the tests below cover them.
    assert {"admin:index", "admin:login", "admin:logout", "admin:app_list"} <= names
    assert {"admin:bookings_booking_change", "admin:accounts_user_delete"} <= names
    assert not names & set(named_patterns())


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SIGNED_IN))
def test_anonymous_visitors_are_sent_to_log_in(client, name):
    url = dummy_url(name, named_patterns()[name])
    sent_to_log_in = set()
    for method in ("GET", "POST"):
        response = client.generic(method, url)
        if response.status_code == 405:
            # Fine only as Django's answer to a method the view does not take at all.
            allowed = {m.strip() for m in response.headers.get("Allow", "").split(",") if m.strip()}
            assert allowed and method not in allowed, (name, method, allowed)
            continue
        assert response.status_code == 302, (name, method, response.status_code)
        assert response.url.startswith(reverse("account_login")), (name, method, response.url)
        sent_to_log_in.add(method)
    # A view that answered 405 to both would never have been asked who is visiting.
    assert sent_to_log_in, name


class Visit(NamedTuple):
    landing: str  # the path the redirects ended on
    status: int  # of the last answer
    via: tuple[str, ...]  # the paths redirected to on the way


def _where_the_admin_sends(client) -> dict[tuple[str, str], Visit]:
    """GET and POST every admin address, following redirects."""
    visits = {}
    for name, url in staff_only_urls().items():
        for method in (client.get, client.post):
            response = method(url, follow=True)
            via = tuple(urlsplit(hop).path for hop, _status in response.redirect_chain)
            visits[name, method.__name__] = Visit(
                response.request["PATH_INFO"], response.status_code, via
            )
    return visits


@pytest.mark.django_db
def test_anonymous_visitors_to_the_admin_are_sent_to_the_sites_login(client):
    login = reverse("account_login")
    visits = _where_the_admin_sends(client)
    # The site's login (rate limits, two factors), never the admin's own form or a page of it.
    wrong = {
        visit: end
        for visit, end in visits.items()
        if (end.landing, end.status) != (login, 200) and end.status != 403
    }
    assert wrong == {}


@pytest.mark.django_db
def test_signed_in_people_who_are_not_staff_are_refused_by_the_admin(client):
    client.force_login(UserFactory())
    visits = _where_the_admin_sends(client)
    assert {visit: end for visit, end in visits.items() if end.status != 403} == {}


@pytest.mark.django_db
def test_staff_without_two_factors_are_sent_to_set_them_up(client):
    client.force_login(StaffFactory())
    setup = reverse("mfa_activate_totp")
    visits = _where_the_admin_sends(client)
    # Setting them up asks for the password again first (a forced login is not recent).
    wrong = {
        visit: end
        for visit, end in visits.items()
        if setup not in end.via or end.landing.startswith(reverse("admin:index"))
    }
    assert wrong == {}


@pytest.mark.django_db
def test_staff_with_two_factors_get_in(staff_client):
    """The other side of the three refusals above: the same visit reaches the admin."""
    response = staff_client.get(reverse("admin:index"), follow=True)
    assert (response.request["PATH_INFO"], response.status_code) == (reverse("admin:index"), 200)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SECRET_TOKEN))
def test_a_wrong_secret_is_a_404(client, name):
    response = client.get(dummy_url(name, named_patterns()[name]))
    assert response.status_code in (404, 400), (name, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(WEBHOOKS))
def test_unsigned_webhook_calls_are_refused(client, name):
    response = client.post(reverse(name), {"anything": "1"})
    assert response.status_code in (400, 403), (name, response.status_code)


@pytest.mark.django_db
def test_the_open_pixel_looks_the_same_for_any_token(client):
    response = client.get(
        dummy_url("notifications:opened", named_patterns()["notifications:opened"])
    )
    assert response.status_code == 200 and response["Content-Type"] == "image/gif"
