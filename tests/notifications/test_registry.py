"""The kind registry: how other apps add a message without touching notifications."""

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from coaching.notifications import registry
from coaching.notifications.models import Channel, Kind, Notification, Status
from coaching.notifications.queueing import notify
from coaching.notifications.registry import (
    EMAIL,
    INBOX,
    PUSH,
    SMS,
    NotificationKind,
    Preference,
    kind_for,
)
from coaching.notifications.tasks import deliver
from tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "fields",
    [
        {"code": "x" * 25},
        {"code": "x", "channels": frozenset({SMS, EMAIL})},  # SMS without a preference
        {"code": "x", "channels": frozenset({PUSH, EMAIL})},  # push without the inbox
        {"code": "x", "channels": frozenset({"fax"})},
    ],
)
def test_a_kind_that_cannot_work_is_refused(fields):
    with pytest.raises(ImproperlyConfigured):
        NotificationKind(label="x", **fields)


def test_the_same_code_twice_is_refused():
    before = kind_for(Kind.WELCOME)
    with pytest.raises(ImproperlyConfigured):
        registry.register(NotificationKind(Kind.WELCOME, _("another welcome")))
    assert kind_for(Kind.WELCOME) is before


def test_an_unregistered_kind_fails_in_the_caller(client_user):
    with pytest.raises(LookupError):
        notify(recipients=[client_user], kind="no_such_kind")
    assert not Notification.objects.exists()


def test_every_kind_has_its_templates():
    assert not [e for e in run_checks() if e.id == "notifications.E001"]


@pytest.fixture
def thread_kind(settings, tmp_path):
    """A kind as another app registers it: its code, template and context builder reading the
    object back from the key."""
    (tmp_path / "notifications").mkdir()
    (tmp_path / "notifications" / "thread_message.txt").write_text(
        '{% extends "notifications/message.txt" %}'
        "{% block subject %}Thread {{ thread }}{% endblock %}"
        "{% block body %}Message {{ message }} in thread {{ thread }}.{% endblock %}"
    )
    engine = {**django_settings.TEMPLATES[0]}
    engine["DIRS"] = [tmp_path, *engine["DIRS"]]
    settings.TEMPLATES = [engine]

    def context(row):
        _, thread, message = row.key.split(":")
        return {"thread": thread, "message": message.lstrip("m")}

    kind = NotificationKind(
        "thread_message",
        "new message",
        channels=frozenset({EMAIL, INBOX, PUSH, SMS}),
        preference=Preference.BOOKING_MESSAGES,
        context=context,
    )
    registry.register(kind)
    yield kind
    registry._KINDS.pop(kind.code)


def test_another_apps_kind_is_queued_once_and_rendered_from_its_key(thread_kind, client_user):
    assert notify(recipients=[client_user, None], kind="thread_message", key="thread:42:m17") == 2
    assert notify(recipients=[client_user], kind="thread_message", key="thread:42:m17") == 0

    rows = Notification.objects.filter(kind="thread_message")
    for pk in rows.values_list("pk", flat=True):
        assert deliver.apply(args=[pk]).get() == Status.SENT
    assert sorted(rows.values_list("channel", flat=True)) == [Channel.EMAIL, Channel.INBOX]
    assert set(rows.values_list("status", flat=True)) == {Status.SENT}
    [message] = mail.outbox
    assert message.subject == "Thread 42"
    assert "Message 17 in thread 42." in message.body
    assert "Message 17 in thread 42." in message.alternatives[0][0]
    inbox = rows.get(channel=Channel.INBOX)
    assert inbox.subject == "Thread 42" and str(inbox).startswith("new message")


def test_the_log_names_a_kind_no_longer_registered(client_user):
    row = NotificationFactory(
        recipient=client_user, kind="gone_kind", channel="email", key="", status=Status.QUEUED
    )
    assert str(row).startswith("gone_kind")
    assert deliver.apply(args=[row.pk]).get() == Status.SKIPPED
    row.refresh_from_db()
    assert row.reason == "kind not registered" and not mail.outbox
