"""Header, footer and cookie banner from this process's shared copies (sofadoc.fragments): the
same HTML as rendering them for the request, for every person, language, address and choice,
and never one person's copy for another."""

import re

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from privacy.cookies import CookieChoice
from sofadoc import fragments
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[A-Za-z0-9]{64}"')


@pytest.fixture(autouse=True)
def empty_copies():
    fragments.forget_all()
    yield
    fragments.forget_all()


def render(source: str, request, **context) -> str:
    html = engines["django"].from_string(source).render(context, request)
    # Each rendering masks the CSRF token afresh; any valid mask of the same secret will do.
    return TOKEN.sub('name="csrfmiddlewaretoken" value="T"', html)


def both_ways(name: str, request, **context) -> tuple[str, str]:
    direct = render(f'{{% include "{name}" %}}', request, **context)
    shared = render(f'{{% load fragments %}}{{% shared_partial "{name}" %}}', request, **context)
    return direct, shared


def request_for(user, path: str, choice: CookieChoice | None = None):
    request = RequestFactory().get(path)
    request.user = user
    request.cookie_choice = choice or CookieChoice(version=1)
    return request


@pytest.mark.parametrize("name", sorted(fragments.KEYS))
def test_every_shared_partial_renders_as_the_include_would_for_everyone(name):
    from django.contrib.auth.models import AnonymousUser

    client, staff = UserFactory(), UserFactory(is_staff=True)
    cases = [
        (AnonymousUser(), "/", {}),
        (client, "/coaches/?q=Angst&page=2", {"unread_messages": 0}),
        (client, "/coaches/anna/", {"unread_messages": 4}),
        (staff, '/hilfe/?next="><script>', {"unread_messages": 4}),
        (staff, "/", {"unread_messages": 0, "cookie_banner": True}),
        (
            client,
            "/",
            {"cookie_banner": False, "cookie_choice": CookieChoice(True, True, False, 1, "t")},
        ),
    ]
    for language in ("de", "en"):
        with translation.override(language):
            # Twice: the first fills the copy, the second is served from it.
            for _ in range(2):
                for user, path, context in cases:
                    direct, shared = both_ways(name, request_for(user, path), **context)
                    assert shared == direct, (name, language, user, path, context)


def test_one_persons_header_is_not_shown_to_another():
    client, staff = UserFactory(), UserFactory(is_staff=True)
    source = '{% load fragments %}{% shared_partial "partials/header.html" %}'

    with translation.override("de"):
        first = render(source, request_for(staff, "/"), unread_messages=7)
        second = render(source, request_for(client, "/"), unread_messages=0)

    assert ">7</span>" in first and "/admin/" in first
    assert "badge" not in second and "/admin/" not in second


def test_each_page_gets_its_own_address_and_token_in_a_shared_copy():
    from django.contrib.auth.models import AnonymousUser

    source = '{% load fragments %}{% shared_partial "partials/footer.html" %}'
    first = engines["django"].from_string(source).render({}, request_for(AnonymousUser(), "/a/"))
    second = engines["django"].from_string(source).render({}, request_for(AnonymousUser(), "/b/"))

    assert 'name="next" value="/a/"' in first and 'name="next" value="/b/"' in second
    assert fragments.TOKEN_SLOT not in second and fragments.PATH_SLOT not in second
    assert TOKEN.search(second)


def test_a_shared_partial_reading_more_of_the_request_fails_loudly():
    """Whatever a shared partial shows must be in its key; reading the request for anything
    but its address is refused rather than cached for everyone."""
    from django.contrib.auth.models import AnonymousUser

    engine = engines["django"].engine
    template = engine.from_string("{{ request.user.email }}")
    fragments.KEYS["test/leaky.html"] = lambda context: ()
    original = engine.get_template
    try:
        engine.get_template = lambda name: template if name == "test/leaky.html" else original(name)
        with pytest.raises(RuntimeError, match=r"request\.user"):
            render(
                '{% load fragments %}{% shared_partial "test/leaky.html" %}',
                request_for(AnonymousUser(), "/"),
            )
    finally:
        del fragments.KEYS["test/leaky.html"]
        engine.get_template = original


def test_outside_a_request_a_shared_partial_renders_as_the_include_would():
    """A page template rendered without a request (the news confirmation is also sent by
    e-mail) has no CSRF token or address to fill in: rendered as it is, not kept."""
    source = '{% load fragments %}{% shared_partial "partials/footer.html" %}'
    with translation.override("de"):
        html = engines["django"].from_string(source).render({})
        direct = engines["django"].from_string('{% include "partials/footer.html" %}').render({})

    assert html == direct and fragments.TOKEN_SLOT not in html
    assert not fragments._rendered


# --- {% memo %} -----------------------------------------------------------------------------

MEMO = '{% load fragments %}{% memo "t" version flag %}{{ shown }} {% csrf_token %}{% endmemo %}'


def test_a_memo_part_is_kept_for_its_values_and_rendered_again_for_new_ones():
    request = request_for(UserFactory(), "/")

    assert render(MEMO, request, version=1, flag=True, shown="first").startswith("first")
    # Same values: the kept copy, even though something it shows changed without a new version
    # (which is why the values must cover everything the part shows).
    assert render(MEMO, request, version=1, flag=True, shown="second").startswith("first")
    assert render(MEMO, request, version=2, flag=True, shown="second").startswith("second")
    assert render(MEMO, request, version=2, flag=False, shown="third").startswith("third")


def test_a_memo_part_with_an_unknown_version_is_rendered_every_time():
    request = request_for(UserFactory(), "/")

    render(MEMO, request, version=None, flag=True, shown="first")

    assert render(MEMO, request, version=None, flag=True, shown="second").startswith("second")


def test_a_memo_part_is_kept_per_language_and_time_zone():
    from django.utils import timezone

    source = (
        '{% load fragments i18n tz %}{% memo "z" version %}{% get_current_timezone as z %}'
        '{{ z }} {% translate "Price" %}{% endmemo %}'
    )
    request = request_for(UserFactory(), "/")
    with translation.override("de"):
        german = render(source, request, version=1)
    with translation.override("en"), timezone.override("America/New_York"):
        english = render(source, request, version=1)

    assert german != english
    assert "Preis" in german and "America/New_York Price" in english


def test_a_memo_part_carries_each_requests_own_csrf_token():
    first, second = request_for(UserFactory(), "/"), request_for(UserFactory(), "/")
    source = '{% load fragments %}{% memo "c" 1 %}{% csrf_token %}{% endmemo %}'

    one = engines["django"].from_string(source).render({}, first)
    two = engines["django"].from_string(source).render({}, second)

    assert TOKEN.search(one) and TOKEN.search(two)
    assert "csrf-token" not in one + two


def test_a_memo_part_may_not_read_the_request():
    source = '{% load fragments %}{% memo "r" 1 %}{{ request.user }}{% endmemo %}'

    with pytest.raises(RuntimeError, match=r"shared partial read request\.user"):
        engines["django"].from_string(source).render({}, request_for(UserFactory(), "/"))
