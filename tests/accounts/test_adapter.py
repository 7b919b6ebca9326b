"""Account e-mails while the mail server is down: the page says so, never a 500, and the mail
can be asked for again once the server is back."""

import pytest
from django.core import mail
from django.urls import reverse

from sofadoc.accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

MAIL_DOWN = "tests.notifications.broken_mail.EmailBackend"  # raises SMTPServerDisconnected
NOTICE = "We could not send you the e-mail right now. Please ask for it again in a few minutes."
SIGNUP = {
    "display_name": "Mara",
    "email": "mara@example.org",
    "password1": DEFAULT_PASSWORD,
    "password2": DEFAULT_PASSWORD,
    "age_18": "on",
    "terms": "on",
    "privacy": "on",
}


def _english(client):
    client.cookies["django_language"] = "en"


def test_signing_up_while_the_mail_server_is_down_works_and_says_the_mail_is_late(client, settings):
    _english(client)
    settings.EMAIL_BACKEND = MAIL_DOWN

    response = client.post(reverse("account_signup"), SIGNUP, follow=True)

    assert response.status_code == 200
    assert NOTICE in response.content.decode()
    assert User.objects.filter(email="mara@example.org").exists()


def test_a_password_reset_while_the_mail_server_is_down_says_so_and_can_be_repeated(
    client, settings
):
    _english(client)
    user = UserFactory(email="ida@example.org", language="en")
    settings.EMAIL_BACKEND = MAIL_DOWN

    response = client.post(reverse("account_reset_password"), {"email": user.email}, follow=True)
    assert response.status_code == 200
    assert NOTICE in response.content.decode()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.post(reverse("account_reset_password"), {"email": user.email})
    assert [m.to for m in mail.outbox] == [["ida@example.org"]]
