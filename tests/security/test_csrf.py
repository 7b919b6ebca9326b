"""CSRF: a POST without the token is refused on every URL but the ones outside callers use."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.security.url_classes import WEBHOOKS, dummy_url, named_patterns

# Exempt by design, each checks a secret of its own instead: the webhooks a signature from
# PayPal / Twilio, and the one-click unsubscribe (RFC 8058, posted by mail clients without our
# cookie) a signed token in its address.
CSRF_EXEMPT = WEBHOOKS | {"notifications:news_unsubscribe"}
# Uploads: the middleware would read the whole body before the view can refuse a too large one,
# so these views skip it and check the token themselves (coaching/clients/guard.py). They are
# not in CSRF_EXEMPT: a post without the token must still be refused (the test below).
CHECKED_IN_VIEW = {"clients:thread", "clients:task_add", "clients:file_upload"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict_client():
    """Signed in: the middleware refuses before any view looks at who is asking."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    return client


def test_exactly_the_signature_checked_views_skip_csrf():
    exempt = {
        name
        for name, pattern in named_patterns().items()
        if getattr(pattern.callback, "csrf_exempt", False)
    }
    assert exempt == CSRF_EXEMPT | CHECKED_IN_VIEW


@pytest.mark.parametrize("name", sorted(set(named_patterns()) - CSRF_EXEMPT))
def test_a_post_without_the_token_is_refused(strict_client, name):
    response = strict_client.post(dummy_url(name, named_patterns()[name]), {"anything": "1"})
    assert response.status_code == 403, (name, response.status_code)


def test_the_same_post_with_the_token_goes_through(strict_client):
    """The 403s above are the CSRF check, not something else refusing every POST."""
    strict_client.get(reverse("privacy:cookies"))
    token = strict_client.cookies["csrftoken"].value
    response = strict_client.post(
        reverse("privacy:cookie_consent"), {"choice": "reject_all", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("name", sorted(CSRF_EXEMPT))
def test_exempt_views_still_refuse_unsigned_posts(strict_client, name):
    response = strict_client.post(dummy_url(name, named_patterns()[name]), {"anything": "1"})
    assert response.status_code in (400, 403, 404), (name, response.status_code)
