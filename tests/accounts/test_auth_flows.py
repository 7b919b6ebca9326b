import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from sofadoc.accounts.models import User
from tests.factories import DEFAULT_PASSWORD, StaffFactory, UserFactory
from tests.mail import deliver_queued

pytestmark = pytest.mark.django_db


def totp_code(secret: str, now) -> str:
    return format_hotp_value(hotp_value(secret, int(now.timestamp()) // 30))


def login(client, email, password=DEFAULT_PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_signup_sends_verification_mail_and_login_waits_for_it(client):
    response = client.post(
        reverse("account_signup"),
        {
            "display_name": "Mara",
            "email": "Mara@Example.org",
            "password1": DEFAULT_PASSWORD,
            "password2": DEFAULT_PASSWORD,
            "time_zone": "America/New_York",
            "age_18": "on",
            "terms": "on",
            "privacy": "on",
        },
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "mara@example.org"
    assert user.display_name == "Mara"
    assert user.time_zone == "America/New_York"
    assert not EmailAddress.objects.get(user=user).verified

    # Logging in before verifying sends the person to "check your inbox", not into the site.
    client.logout()
    response = login(client, "mara@example.org")
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")

    deliver_queued()  # the worker sends it, through the delivery log
    assert mail.outbox, "a verification mail is sent"
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.post("/" + path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    client.logout()
    response = login(client, "mara@example.org")
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_signup_requires_display_name(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "x@example.org", "password1": DEFAULT_PASSWORD, "password2": DEFAULT_PASSWORD},
    )
    assert response.status_code == 200
    assert "display_name" in response.context["form"].errors
    assert not User.objects.exists()


def test_login_is_rate_limited_after_repeated_failures(client):
    user = UserFactory()
    for _ in range(5):
        response = login(client, user.email, "wrong password")
        assert response.status_code == 200
    # Now even the right password is refused for a while.
    response = login(client, user.email)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    errors = " ".join(response.context["form"].non_field_errors())
    assert "Zu viele" in errors, errors


def test_totp_enrolment_and_login_with_second_factor(client):
    user = UserFactory()
    login(client, user.email)
    # Enrolling is a sensitive action: allauth asks for the password again first.
    response = client.get(reverse("mfa_activate_totp"))
    assert response.url.startswith(reverse("account_reauthenticate"))
    client.post(response.url, {"password": DEFAULT_PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    secret = response.context["form"].secret
    now = timezone.now()
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret, now)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()

    client.logout()
    with time_machine.travel(now + timezone.timedelta(seconds=60), tick=False):
        response = login(client, user.email)
        assert response.url == reverse("mfa_authenticate")
        assert "_auth_user_id" not in client.session
        response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert "_auth_user_id" not in client.session
        later = timezone.now()
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret, later)})
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(user.pk)


def test_a_password_change_sends_a_security_notice_with_a_truncated_address(client):
    user = UserFactory(language="de")
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": DEFAULT_PASSWORD,
            "password1": "a new long secret 42",
            "password2": "a new long secret 42",
        },
        REMOTE_ADDR="203.0.113.77",
    )

    assert response.status_code == 302
    deliver_queued()
    [notice] = mail.outbox
    assert notice.to == [user.email]
    assert notice.subject == "[SofaDoc] Passwort geändert"
    assert "203.0.113.0" in notice.body and "203.0.113.77" not in notice.body
    assert " du " not in notice.body  # formal German, as everywhere
    assert notice.body.count('"') == 0  # allauth's German left a stray quote here


def test_admin_sends_anonymous_visitors_to_the_site_login(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_staff_without_two_factor_is_sent_to_set_it_up(client):
    staff = StaffFactory()
    login(client, staff.email)
    response = client.get(reverse("admin:index"), follow=True)
    chain = [url for url, _status in response.redirect_chain]
    assert reverse("mfa_activate_totp") in chain
    assert not any(url.startswith(reverse("admin:index")) and "login" not in url for url in chain)
    assert "two-factor" in response.content.decode().lower() or "Zwei-Faktor" in (
        response.content.decode()
    )


def test_staff_with_two_factor_reaches_the_admin(client):
    staff = StaffFactory()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200


def test_non_staff_are_refused_by_the_admin(client):
    client.force_login(UserFactory())
    assert client.get(reverse("admin:login")).status_code == 403


def test_sign_ins_that_fail_on_a_database_error_do_not_lock_the_account(client):
    """allauth counts an attempt before checking the password; a database outage (here: every
    read of the user table fails, as while PostgreSQL restarts) must not count it."""
    from django.db import OperationalError, connection

    user = UserFactory()

    def outage(execute, sql, params, many, context):
        if 'FROM "accounts_user"' in sql:
            raise OperationalError("terminating connection due to administrator command")
        return execute(sql, params, many, context)

    client.raise_request_exception = False
    with connection.execute_wrapper(outage):
        for _ in range(6):
            assert login(client, user.email).status_code == 500
    response = login(client, user.email)
    assert response.status_code == 302, response.context["form"].non_field_errors()
    assert "_auth_user_id" in client.session
