"""Every URL is classified (tests/security/url_classes.py). A new URL that is not classified
fails here, and everything that is not public refuses anonymous visitors."""

import pytest
from django.urls import reverse

from tests.security.url_classes import (
    DEMO_ONLY,
    OPEN_PIXEL,
    PUBLIC,
    SECRET_TOKEN,
    SIGNED_IN,
    WEBHOOKS,
    dummy_url,
    named_patterns,
)


def test_every_url_is_classified():
    classified = PUBLIC | SIGNED_IN | SECRET_TOKEN | OPEN_PIXEL | WEBHOOKS | DEMO_ONLY
    names = set(named_patterns())
    assert sorted(names - classified) == []
    assert sorted(classified - names) == []  # no stale entries either


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SIGNED_IN))
def test_anonymous_visitors_are_sent_to_log_in(client, name):
    url = dummy_url(name, named_patterns()[name])
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code in (302, 405), (name, response.status_code)
        if response.status_code == 302:
            assert response.url.startswith(reverse("account_login")), (name, response.url)


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
