"""Delivering queued messages: the only code that sends.

`notification_queue` writes one row per recipient and channel and asks a worker to deliver it
after commit. Delivery (`notification_deliver` for one row, `notifications_deliver_pending` for
the scan) is the only code that sends: it claims rows with SKIP LOCKED, re-checks that each
message is still true (a cancelled or moved session gets no stale reminder), sends, and records
the outcome. The minute scan (`notifications_send_due`) queues reminders and delivers whatever
is still pending, so a lost task or a Redis outage only delays a message, and a stopped
worker's rows are claimed again once its claim has run out.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F, Prefetch
from django.urls import reverse
from django.utils import timezone

from coaching.bookings.models import Booking
from coaching.notifications import push, sms
from coaching.notifications.models import (
    MAX_ATTEMPTS,
    Channel,
    Notification,
    Preferences,
    Status,
)
from coaching.notifications.preferences import (
    loaded_preferences,
)
from coaching.notifications.registry import kind_for, registered_kinds
from coaching.notifications.rendering import Rendered, notification_render
from coaching.notifications.selectors import inboxes_changed
from coaching.notifications.sms_status import sms_opt_out

logger = logging.getLogger(__name__)


def notifications_deliver_pending(*, limit: int = 5000) -> int:
    """Deliver queued rows (also those whose task was lost), retry failed ones, and take back
    rows a stopped worker left half-done. Returns messages sent."""
    started = timezone.now()
    _give_up_abandoned(now=started)
    sent = handled = 0
    with _asynchronous_commits():
        while handled < limit:
            claimed = _claim(limit=min(DELIVERY_CHUNK, limit - handled), now=started)
            if not claimed:
                break
            handled += len(claimed)
            sent += sum(1 for status in _deliver_claimed(claimed) if status == Status.SENT)
    return sent


# --- Delivery ---------------------------------------------------------------------------------
# A worker claims a few rows in one statement (status "sending"; SKIP LOCKED, so two workers
# never claim the same row), reads them with everything sending needs in one query, and then
# sends them one by one, recording each outcome in its own autocommitted UPDATE right after
# the send: one round trip per message. A worker killed mid-chunk leaves its rows "sending";
# once their claim is older than NOTIFICATIONS_CLAIM_SECONDS the next scan claims them again.
# The one message that can go out twice is the one whose worker died between handing it to
# the mail server and that UPDATE. Each claim counts as an attempt, so a message that keeps
# killing its worker stops after MAX_ATTEMPTS.
#
# A chunk is small so that what it read about the booking is at most a fraction of a second
# old when its last message goes out (a session cancelled meanwhile gets no stale reminder).
DELIVERY_CHUNK = 25
# ... and if sending is slow (a mail server taking seconds), the rest of the chunk is read again
# once what it read is this old.
BOOKING_FRESH_SECONDS = 2

_PRACTICE_TEXTS = ("bio", "headline", "search_document", "billing_address", "billing_name")

_CLAIM_SQL = """
    UPDATE {table} SET status = %(sending)s, claimed_at = %(now)s, attempts = attempts + 1
    WHERE id IN (
        SELECT id FROM {table}
        WHERE attempts < %(max_attempts)s AND (
            status = %(queued)s
            -- failed rows wait for the next pass; a claim older than the lease was abandoned
            OR (status = %(failed)s AND (claimed_at IS NULL OR claimed_at < %(started)s))
            OR (status = %(sending)s AND claimed_at < %(stale)s)
        ) {only_one}
        ORDER BY queued_at, id
        LIMIT %(limit)s
        {skip_locked}
    )
    RETURNING id
"""
# A message that is over (sent, skipped, or failed for the last time) forgets what its sender
# handed over (the payload) and, when its kind says so, the address it went to (a former
# account's).
_FINISH_SQL = """
    UPDATE {table} SET status = %s, reason = %s, sent_at = %s, subject = %s, body = %s,
        provider_id = %s,
        payload = CASE WHEN %s THEN '' ELSE payload END,
        address = CASE WHEN %s THEN '' ELSE address END
    WHERE id = %s AND status = %s
"""


def _sql(template: str, **extra: str) -> str:
    return template.format(table=Notification._meta.db_table, **extra)


def _claim_lease() -> timedelta:
    return timedelta(seconds=settings.NOTIFICATIONS_CLAIM_SECONDS)


def _claim(*, limit: int, now: datetime, notification_id: int | None = None) -> list[int]:
    params: dict[str, Any] = {
        "sending": Status.SENDING,
        "queued": Status.QUEUED,
        "failed": Status.FAILED,
        "max_attempts": MAX_ATTEMPTS,
        "now": timezone.now(),
        "started": now,
        "stale": now - _claim_lease(),
        "limit": limit,
        "id": notification_id,
    }
    only_one = "AND id = %(id)s" if notification_id is not None else ""
    # SQLite (the demo) has no row locks and needs none: it lets one writer in at a time, so
    # the statement claims its rows alone.
    skip_locked = (
        "FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    )
    # Its own short transaction: the claim must be visible to other workers at once.
    with transaction.atomic(durable=True), connection.cursor() as cursor:
        cursor.execute(_sql(_CLAIM_SQL, only_one=only_one, skip_locked=skip_locked), params)
        return sorted(row[0] for row in cursor.fetchall())


def _give_up_abandoned(*, now: datetime) -> int:
    """A row whose claims all ended with a stopped worker is marked failed for staff to see;
    like any message that is over, it forgets its payload and a forgettable address."""
    abandoned = Notification.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - _claim_lease(), attempts__gte=MAX_ATTEMPTS
    )
    forgetting = [kind.code for kind in registered_kinds() if kind.forget_address]
    abandoned.filter(kind__in=forgetting).update(address="")
    return abandoned.update(status=Status.FAILED, reason="worker stopped while sending", payload="")


@contextmanager
def _asynchronous_commits() -> Iterator[None]:
    """Claims and outcomes are committed without waiting for the disk (synchronous_commit off,
    for this session only while delivering): waiting was a third of the time per message.
    Other sessions see each commit at once, so workers never share a row; only if PostgreSQL
    itself crashed could the last fraction of a second of outcomes be lost, and those messages
    would then be sent again once it is back, the same as if the worker had stopped."""
    if connection.in_atomic_block or connection.vendor != "postgresql":
        # A caller's transaction keeps its own durability; SQLite (the demo) has no such knob.
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        if connection.connection is not None and connection.is_usable():
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")


def notification_deliver(*, notification_id: int, now: datetime | None = None) -> str | None:
    """Send one message at most once. Returns the new status, or None if there was nothing to
    do (already handled, or another worker holds it)."""
    now = now or timezone.now()
    with _asynchronous_commits():
        claimed = _claim(limit=1, now=now, notification_id=notification_id)
        return _deliver_claimed(claimed, now=now)[0] if claimed else None


def _deliver_claimed(pks: list[int], *, now: datetime | None = None) -> list[str]:
    rows = _load_claimed(pks)
    read_at = timezone.now()
    deadline = read_at + _claim_lease() / 2
    statuses = []
    inboxes: set[int] = set()
    for index, pk in enumerate(pks):
        moment = timezone.now()
        if index and moment > deadline:
            # A slow mail server: hand the rest back before the lease runs out, so no other
            # worker claims a row this one is still working on (each chunk sends at least one).
            _release(pks[index:])
            break
        if index and (moment - read_at).total_seconds() > BOOKING_FRESH_SECONDS:
            # Sending is slow today: what the chunk read about its sessions is getting old, so
            # read the rest again (a session cancelled meanwhile then gets no stale message).
            rows.update(_load_claimed(pks[index:]))
            read_at = moment
        if pk in rows:  # else erased with its recipient since the claim
            statuses.append(_deliver_one(rows[pk], now=now or timezone.now()))
            if rows[pk].channel == Channel.INBOX and statuses[-1] == Status.SENT:
                inboxes.add(rows[pk].person_id)
    # Written in SQL, so no signal tells the header: their unread counts go, in one round trip
    # for the whole chunk (a count read meanwhile is at most one chunk late).
    inboxes_changed(inboxes)
    return statuses


def _load_claimed(pks: list[int]) -> dict[int, Notification]:
    # Client and coach each get a booking's message by e-mail and in the inbox: the booking is
    # read once for all of them (a second query), not once per row. A message names the
    # practice; its long texts are not read.
    bookings = Booking.objects.select_related("practice__owner", "client").defer(
        *(f"practice__{name}" for name in _PRACTICE_TEXTS)
    )
    return (
        Notification.objects.select_related("recipient__notification_preferences")
        .prefetch_related(Prefetch("booking", queryset=bookings))
        .in_bulk(pks)
    )


def _release(pks: list[int]) -> None:
    Notification.objects.filter(pk__in=pks, status=Status.SENDING).update(
        status=Status.QUEUED, attempts=F("attempts") - 1, claimed_at=None
    )


def _deliver_one(row: Notification, *, now: datetime) -> str:
    prefs = loaded_preferences(row.recipient) if row.recipient is not None else None
    reason = _stale_reason(row, prefs, now)
    if reason:
        row.status, row.reason = Status.SKIPPED, reason
    else:
        try:
            _send(row, prefs)
        except sms.SmsOptedOut as error:
            sms_opt_out(phone=row.person.phone)
            row.status, row.reason = Status.SKIPPED, str(error)
        except Exception as error:
            logger.warning("notification %s failed: %s", row.pk, type(error).__name__)
            row.status, row.reason = Status.FAILED, f"{type(error).__name__}: {error}"[:255]
        else:
            row.status, row.reason, row.sent_at = Status.SENT, "", timezone.now()
    over = row.status in (Status.SENT, Status.SKIPPED) or row.attempts >= MAX_ATTEMPTS
    # Autocommit: recorded the moment it is sent, whatever happens to the rest of the chunk.
    with connection.cursor() as cursor:
        cursor.execute(
            _sql(_FINISH_SQL),
            [
                row.status,
                row.reason,
                row.sent_at,
                row.subject,
                row.body,
                row.provider_id,
                over,
                over and _forgets_address(row),
                row.pk,
                Status.SENDING,
            ],
        )
    return row.status


def _forgets_address(row: Notification) -> bool:
    try:
        return kind_for(row.kind).forget_address
    except LookupError:
        return False


def _stale_reason(row: Notification, prefs: Preferences | None, now: datetime) -> str:
    if row.recipient is None:
        if not row.address:
            return "no address"
    elif not row.recipient.is_active:
        return "recipient inactive"
    elif row.channel == Channel.SMS and not (prefs and prefs.sms_possible()):
        return "no confirmed mobile number"
    try:
        kind = kind_for(row.kind)
    except LookupError:  # the app that registered it is gone
        return "kind not registered"
    return kind.skip_reason(row, now) if kind.skip_reason else ""


def _send(row: Notification, prefs: Preferences | None) -> None:
    rendered = notification_render(row)
    # The log keeps the subject of a person's own messages (the inbox shows it, erasure takes
    # it); a mail to a mailbox may carry someone's words (a support request's subject): not kept.
    row.subject = rendered.subject if row.recipient_id else ""
    if row.channel == Channel.INBOX:
        row.body = rendered.text
        # The devices that asked for it get a short push (coaching/notifications/push.py).
        push.push_for_inbox(row)
    elif row.channel == Channel.EMAIL:
        _send_email(row, rendered)
    elif row.channel == Channel.SMS:
        callback = settings.SITE_URL + reverse("notifications:twilio_sms")
        row.provider_id = sms.sms_backend().send(
            to=row.person.phone, body=rendered.sms, status_callback=callback
        )


def _address(row: Notification) -> str:
    """A mailbox, an address being confirmed or a former account's address; else the
    person's own."""
    if row.address or row.recipient is None:
        return row.address
    return row.recipient.email


def _send_email(row: Notification, rendered: Rendered) -> None:
    kind = kind_for(row.kind)
    headers = kind.headers(row) if kind.headers else {}
    reply_to = headers.pop("Reply-To", "")
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[_address(row)],
        reply_to=[reply_to] if reply_to else None,
        headers=headers,
    )
    message.attach_alternative(rendered.html, "text/html")
    for attachment in kind.attachments(row) if kind.attachments else []:
        message.attach(*attachment)
    message.send()
