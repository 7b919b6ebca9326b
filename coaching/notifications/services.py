"""Writing and sending messages.

`notification_queue` writes one row per recipient and channel and asks a worker to deliver it
after commit. Delivery (`notification_deliver` for one row, `notifications_deliver_pending` for
the scan) is the only code that sends: it claims rows with SKIP LOCKED, re-checks that each
message is still true (a cancelled or moved session gets no stale reminder), sends, and records
the outcome. The minute scan (`notifications_send_due`) queues reminders and delivers whatever
is still pending, so a lost task or a Redis outage only delays a message, and a stopped
worker's rows are claimed again once its claim has run out.
"""

from __future__ import annotations

import functools
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from coaching.bookings.models import Booking, BookingState
from coaching.notifications import push, sms
from coaching.notifications.models import Channel, Kind, Notification, Preferences, Status
from coaching.notifications.preferences import channels_for, preferences_for  # noqa: F401
from coaching.notifications.queueing import (  # noqa: F401 (imported from here until the split)
    booking_notify,
    booking_participants,
    enqueue_delivery,
    notification_queue,
    notify,
)
from coaching.notifications.registry import NotificationKind, kind_for
from coaching.notifications.selectors import inbox_changed, inboxes_changed
from privacy.redaction import REDACTED

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
OPEN_SALT = "notifications.opened"


def staff_notify_payment_problem(*, booking: Booking, problem: str) -> int:
    """A reversal, denial or failed refund: every active staff member hears of it. The message
    names the booking only; what happened is in its payments and audit trail in the admin."""
    from sofadoc.accounts.models import User

    # Each problem is its own message (the key lifts the once-per-booking rule).
    key = f"problem-{timezone.now():%Y%m%d%H%M%S%f}"
    return sum(
        len(notification_queue(recipient=user, kind=Kind.PAYMENT_PROBLEM, booking=booking, key=key))
        for user in User.objects.filter(is_staff=True, is_active=True)
    )


# --- The minute scan --------------------------------------------------------------------------
def reminders_queue_due(*, now: datetime | None = None) -> int:
    """Queue 24 h and 1 h reminders for confirmed sessions entering those windows."""
    now = now or timezone.now()
    count = 0
    windows = [
        # A session booked less than a day ahead gets no "tomorrow" reminder: the
        # confirmation was just sent, and the 1 h reminder follows.
        (
            Kind.REMINDER_24H,
            Q(start__gt=now + timedelta(hours=1), start__lte=now + timedelta(hours=24))
            & Q(confirmed_at__lte=now - timedelta(hours=1)),
        ),
        (Kind.REMINDER_1H, Q(start__gt=now, start__lte=now + timedelta(hours=1))),
    ]
    for kind, window in windows:
        already = Notification.objects.filter(
            booking=OuterRef("pk"), booking_sequence=OuterRef("sequence"), kind=kind
        )
        due = (
            Booking.objects.filter(window, state=BookingState.CONFIRMED)
            .exclude(Exists(already))
            .select_related("client", "practice__owner")
        )
        for booking in due:
            for user in booking_participants(booking):
                count += len(notification_queue(recipient=user, kind=kind, booking=booking))
    return count


def payment_pending_queue_due(*, now: datetime | None = None) -> int:
    """Tell clients whose hold is about to run out that the payment is still open."""
    now = now or timezone.now()
    soon = now + timedelta(minutes=settings.PAYMENT_PENDING_NOTICE_MINUTES)
    already = Notification.objects.filter(booking=OuterRef("pk"), kind=Kind.PAYMENT_PENDING)
    due = (
        Booking.objects.filter(
            state=BookingState.HELD, hold_expires_at__gt=now, hold_expires_at__lte=soon
        )
        .exclude(Exists(already))
        .select_related("client")
    )
    return sum(
        len(notification_queue(recipient=b.client, kind=Kind.PAYMENT_PENDING, booking=b))
        for b in due
    )


def calendar_nudges_queue(*, now: datetime | None = None) -> int:
    """Weekly: coaches of published practices with no free hour in the next 14 days."""
    from coaching.practices.models import Practice
    from coaching.practices.selectors import practice_ids_free_within

    now = now or timezone.now()
    practices = list(Practice.objects.filter(is_published=True).select_related("owner"))
    free = practice_ids_free_within(
        practice_ids=[p.pk for p in practices], within=timedelta(days=14), now=now
    )
    year, week, _ = now.isocalendar()
    return sum(
        len(
            notification_queue(
                recipient=p.owner, kind=Kind.CALENDAR_NUDGE, key=f"{year}-W{week:02d}"
            )
        )
        for p in practices
        if p.pk not in free
    )


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


def notifications_send_due(*, now: datetime | None = None) -> int:
    """One scan: queue what is due, then deliver everything pending. Returns messages sent."""
    reminders_queue_due(now=now)
    payment_pending_queue_due(now=now)
    return notifications_deliver_pending()


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
_FINISH_SQL = """
    UPDATE {table} SET status = %s, reason = %s, sent_at = %s, subject = %s, body = %s,
        provider_id = %s
    WHERE id = %s AND status = %s
"""


def _sql(template: str, **extra) -> str:
    return template.format(table=Notification._meta.db_table, **extra)


def _claim_lease() -> timedelta:
    return timedelta(seconds=settings.NOTIFICATIONS_CLAIM_SECONDS)


def _claim(*, limit: int, now: datetime, notification_id: int | None = None) -> list[int]:
    params = {
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
    """A row whose claims all ended with a stopped worker is marked failed for staff to see."""
    return Notification.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - _claim_lease(), attempts__gte=MAX_ATTEMPTS
    ).update(status=Status.FAILED, reason="worker stopped while sending")


@contextmanager
def _asynchronous_commits():
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
                inboxes.add(rows[pk].recipient_id)
    # Written in SQL, so no signal tells the header: their unread counts go, in one round trip
    # for the whole chunk (a count read meanwhile is at most one chunk late).
    inboxes_changed(inboxes)
    return statuses


def _load_claimed(pks: list[int]) -> dict[int, Notification]:
    # Client and coach each get a booking's message by e-mail and in the inbox: the booking is
    # read once for all of them (a second query), not once per row. A message names the
    # practice; its long texts are not read.
    bookings = Booking.objects.select_related("practice", "client").defer(
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
    prefs = _loaded_preferences(row.recipient)
    reason = _stale_reason(row, prefs, now)
    if reason:
        row.status, row.reason = Status.SKIPPED, reason
    else:
        try:
            _send(row, prefs)
        except sms.SmsOptedOut as error:
            sms_opt_out(phone=row.recipient.phone)
            row.status, row.reason = Status.SKIPPED, str(error)
        except Exception as error:
            logger.warning("notification %s failed: %s", row.pk, type(error).__name__)
            row.status, row.reason = Status.FAILED, f"{type(error).__name__}: {error}"[:255]
        else:
            row.status, row.reason, row.sent_at = Status.SENT, "", timezone.now()
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
                row.pk,
                Status.SENDING,
            ],
        )
    return row.status


def _loaded_preferences(user) -> Preferences:
    try:
        return user.notification_preferences
    except Preferences.DoesNotExist:
        return preferences_for(user)


def _stale_reason(row: Notification, prefs: Preferences, now: datetime) -> str:
    if not row.recipient.is_active:
        return "recipient inactive"
    if row.channel == Channel.SMS and not prefs.sms_possible():
        return "no confirmed mobile number"
    try:
        kind = kind_for(row.kind)
    except LookupError:  # the app that registered it is gone
        return "kind not registered"
    return kind.skip_reason(row, now) if kind.skip_reason else ""


@dataclass
class Rendered:
    subject: str
    text: str
    html: str
    sms: str


def notification_render(row: Notification) -> Rendered:
    """The message in the recipient's language, times in their zone: subject and text from the
    kind's one template (the e-mail's HTML is that text in the HTML frame), SMS from its own."""
    user = row.recipient
    kind = kind_for(row.kind)
    with translation.override(user.language), timezone.override(ZoneInfo(user.time_zone)):
        context = _context(row, kind)
        template = get_template(kind.template)
        subject = " ".join(template.render({**context, "part": "subject"}).split())
        text = template.render(context).strip() + "\n"
        html = ""
        if row.channel == Channel.EMAIL:
            html = render_to_string(
                "notifications/email.html", {**context, "subject": subject, "text": text}
            )
        short = ""
        if row.channel == Channel.SMS:
            short = " ".join(render_to_string(kind.sms_template, context).split())
    return Rendered(subject=subject[:200], text=text, html=html, sms=short)


@functools.lru_cache(maxsize=16)
def _page_url(name: str, site: str) -> str:
    """The same two links go into every message; reversing them each time was a tenth of the
    cost of a message."""
    return site + reverse(name)


def _context(row: Notification, kind: NotificationKind) -> dict:
    user = row.recipient
    site = settings.SITE_URL
    booking = row.booking
    context = {
        "recipient": user,
        "channel": row.channel,
        "site_url": site,
        "messages_url": _page_url("notifications:list", site),
        "preferences_url": _page_url("notifications:preferences", site),
        "zone": user.time_zone,
        "open_url": "",
    }
    if row.channel == Channel.EMAIL and _loaded_preferences(user).open_tracking:
        token = signing.dumps(row.pk, salt=OPEN_SALT)
        context["open_url"] = site + reverse("notifications:opened", args=[token])
    if booking is not None:
        is_coach = booking.practice.owner_id == user.pk
        context.update(
            booking=booking,
            is_coach=is_coach,
            other_name=(
                # An inactive client is being erased (or is gone): not named any more.
                (
                    booking.client.display_name
                    if booking.client and booking.client.is_active
                    else REDACTED
                )
                if is_coach
                else booking.practice.name
            ),
            booking_url=site + reverse("bookings:detail", args=[booking.reference]),
            when_text=f"{date_format(timezone.localtime(booking.start), 'DATETIME_FORMAT')} "
            f"({user.time_zone})",
        )
    if kind.context is not None:
        context.update(kind.context(row))
    return context


def _send(row: Notification, prefs: Preferences) -> None:
    rendered = notification_render(row)
    row.subject = rendered.subject
    if row.channel == Channel.INBOX:
        row.body = rendered.text
        # The devices that asked for it get a short push (coaching/notifications/push.py).
        push.push_for_inbox(row)
    elif row.channel == Channel.EMAIL:
        _send_email(row, rendered)
    elif row.channel == Channel.SMS:
        callback = settings.SITE_URL + reverse("notifications:twilio_sms")
        row.provider_id = sms.sms_backend().send(
            to=row.recipient.phone, body=rendered.sms, status_callback=callback
        )


def _send_email(row: Notification, rendered: Rendered) -> None:
    user = row.recipient
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(rendered.html, "text/html")
    kind = kind_for(row.kind)
    for attachment in kind.attachments(row) if kind.attachments else []:
        message.attach(*attachment)
    message.send()


# --- Open tracking (only with consent) --------------------------------------------------------
def notification_mark_opened(*, token: str) -> bool:
    try:
        pk = signing.loads(token, salt=OPEN_SALT, max_age=timedelta(days=90))
    except signing.BadSignature:
        return False
    # Only for people who (still) consent; the flag is the only thing recorded.
    updated = Notification.objects.filter(
        pk=pk,
        channel=Channel.EMAIL,
        recipient__notification_preferences__open_tracking=True,
    ).update(opened=True)
    return bool(updated)


# --- Inbox ------------------------------------------------------------------------------------
def notification_mark_read(*, notification: Notification, actor) -> None:
    if notification.recipient_id != actor.pk:
        raise PermissionError("not the recipient")
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
        inbox_changed(actor.pk)


def notifications_mark_all_read(*, actor) -> int:
    marked = Notification.objects.filter(
        recipient=actor, channel=Channel.INBOX, status=Status.SENT, read_at__isnull=True
    ).update(read_at=timezone.now())
    inbox_changed(actor.pk)  # after the change, so no count read before it outlives it
    return marked


def notification_resend(*, notification: Notification, actor) -> Notification:
    """Staff: send a message again as a new row (the log keeps the first attempt)."""
    with transaction.atomic(durable=True):
        copy = Notification.objects.create(
            recipient=notification.recipient,
            kind=notification.kind,
            channel=notification.channel,
            # A resend is outside the once-only rule: its own key lifts the constraint.
            booking=notification.booking,
            booking_sequence=notification.booking_sequence,
            key=f"resend-{notification.pk}-{timezone.now():%Y%m%d%H%M%S%f}"[:32],
            reason=f"resend of #{notification.pk} by {actor.pk}",
        )
        pk = copy.pk
        transaction.on_commit(lambda: enqueue_delivery([pk]))
    return copy


# --- Erasure ----------------------------------------------------------------------------------
def notifications_forget_person(*, user) -> int:
    """Take a person who erases their account out of the messages others got about their
    sessions (the coach's inbox: "Jonas booked a session with you"): their name, address and
    practice name become REDACTED. The messages stay; they belong to the other person. The
    person's own messages go with the registry's erasure step. Runs with the erasure's first
    step, while the person still exists; returns how many messages changed."""
    from privacy.redaction import identifiers_pattern

    # Names, e-mail address, phone number (any spelling) and practice name, whole words only.
    pattern = identifiers_pattern(user)
    if pattern is None:
        return 0
    rows = (
        Notification.objects.select_for_update()
        .filter(booking__in=Booking.objects.filter(Q(client=user) | Q(practice__owner=user)))
        .exclude(recipient=user)
        .only("pk", "subject", "body")
    )
    changed = 0
    for row in rows:
        subject, body = pattern.sub(REDACTED, row.subject), pattern.sub(REDACTED, row.body)
        if (subject, body) != (row.subject, row.body):
            row.subject, row.body = subject, body
            row.save(update_fields=["subject", "body"])
            changed += 1
    return changed


# --- SMS opt-out --------------------------------------------------------------------------------
def sms_opt_out(*, phone: str) -> int:
    """STOP reply or Twilio 21610: never text this number again until it is confirmed anew."""
    if not phone:
        return 0
    return Preferences.objects.filter(user__phone=phone, sms_opted_out_at__isnull=True).update(
        sms_opted_out_at=timezone.now(), sms_reminders=False, sms_booking_messages=False
    )


# --- News: double opt-in, one-click unsubscribe -----------------------------------------------
# Two kinds of link, signed apart so that one never works as the other: an unsubscribe link
# (in every news mail, valid as long as the account) must not confirm a subscription.
NEWS_SALT = "notifications.news"
NEWS_CONFIRM_SALT = "notifications.news-confirm"
NEWS_CONFIRM_DAYS = 7


def news_token(user) -> str:
    """The unsubscribe link's token."""
    return signing.dumps(user.pk, salt=NEWS_SALT)


def news_confirm_token(user) -> str:
    return signing.dumps(user.pk, salt=NEWS_CONFIRM_SALT)


def news_user_for(token: str, *, confirm: bool = False):
    """The person an unsubscribe (or, with confirm=True, a confirmation) link is for."""
    from sofadoc.accounts.models import User

    try:
        if confirm:
            pk = signing.loads(
                token, salt=NEWS_CONFIRM_SALT, max_age=timedelta(days=NEWS_CONFIRM_DAYS)
            )
        else:
            pk = signing.loads(token, salt=NEWS_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def news_request(*, user, actor) -> bool:
    """Step one of the double opt-in: send a confirmation link by e-mail."""
    with transaction.atomic(durable=True):
        prefs = Preferences.objects.select_for_update().get(pk=preferences_for(user).pk)
        if prefs.news_confirmed_at:
            return False
        prefs.news_requested_at = timezone.now()
        prefs.save(update_fields=["news_requested_at", "updated_at"])
        # A fresh key per request, so asking again sends a new link.
        key = f"{prefs.news_requested_at:%Y%m%d%H%M%S%f}"
        notification_queue(recipient=user, kind=Kind.NEWS_CONFIRM, key=key)
    return True


def news_confirm(*, user, ip: str = "") -> bool:
    """Step two: the person followed the link and confirmed. Only now is the consent given.

    Only while a request is pending: after unsubscribing, an old confirmation link (still in
    the mailbox) subscribes nobody. Returns whether the person is subscribed now."""
    with transaction.atomic(durable=True):
        prefs = Preferences.objects.select_for_update().get(pk=preferences_for(user).pk)
        if prefs.news_confirmed_at:
            return True
        if prefs.news_requested_at is None:
            return False
        prefs.news_confirmed_at = timezone.now()
        prefs.save(update_fields=["news_confirmed_at", "updated_at"])
        _consent_log(user=user, purpose="email_news", granted=True, source="news", ip=ip)
    return True


def news_unsubscribe(*, user, ip: str = "") -> None:
    """Withdraws the consent to news (logged), and any request still waiting for confirmation."""
    with transaction.atomic(durable=True):
        prefs = Preferences.objects.select_for_update().get(pk=preferences_for(user).pk)
        was_subscribed = prefs.news_confirmed_at is not None
        prefs.news_confirmed_at = prefs.news_requested_at = None
        prefs.save(update_fields=["news_confirmed_at", "news_requested_at", "updated_at"])
        if was_subscribed:
            _consent_log(user=user, purpose="email_news", granted=False, source="news", ip=ip)


def _consent_log(*, user, purpose: str, granted: bool, source: str, ip: str) -> None:
    """The two optional e-mail consents (news, open tracking) are kept here, where sending
    reads them; each change is also written to the consent log, which the person sees on
    /privacy/consents/ and which proves what they decided and when."""
    from privacy.services import consent_record, consent_withdraw

    # Ending a consent copies the pseudonym and version of the grant it ends; a "no" with
    # nothing in force (tracking switched off twice) is still logged, as a refusal.
    if granted or not consent_withdraw(user=user, source=source, purposes=[purpose], ip=ip):
        consent_record(user=user, decisions={purpose: granted}, source=source, ip=ip)


def news_email(*, user, subject: str, text: str) -> EmailMultiAlternatives:
    """A news or tips mail with its one-click unsubscribe (RFC 8058) in header and footer."""
    url = settings.SITE_URL + reverse("notifications:news_unsubscribe", args=[news_token(user)])
    with translation.override(user.language):
        footer = render_to_string("notifications/partials/news_footer.txt", {"url": url})
    return EmailMultiAlternatives(
        subject=subject,
        body=f"{text.rstrip()}\n\n{footer}",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def news_send(*, subject: str, text: str, actor) -> int:
    """Send a news/tips mail to confirmed subscribers only, each with its unsubscribe link."""
    from django.core.mail import get_connection

    subscribers = Preferences.objects.filter(
        news_confirmed_at__isnull=False, user__is_active=True
    ).select_related("user")
    messages = [news_email(user=p.user, subject=subject, text=text) for p in subscribers]
    with get_connection() as connection:
        return connection.send_messages(messages) or 0


# --- Confirming a mobile number by SMS code ---------------------------------------------------
SMS_CODE_MINUTES = 10
SMS_CODE_ATTEMPTS = 5


class SmsCodeError(Exception):
    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def _code_hash(user, code: str) -> str:
    from django.utils.crypto import salted_hmac

    return salted_hmac("notifications.sms-code", f"{user.pk}:{user.phone}:{code}").hexdigest()


def sms_code_send(*, user, actor) -> None:
    """Text a six-digit code to the profile's number; confirming it enables SMS."""
    import secrets

    from django.utils.translation import gettext as _

    if not user.phone:
        raise SmsCodeError(_("Add your mobile number in your profile first."))
    with transaction.atomic(durable=True):
        prefs = Preferences.objects.select_for_update().get(pk=preferences_for(user).pk)
        now = timezone.now()
        if prefs.sms_code_expires_at and prefs.sms_code_expires_at - now > timedelta(
            minutes=SMS_CODE_MINUTES - 1
        ):
            raise SmsCodeError(_("A code was just sent. Please wait a minute before asking again."))
        code = f"{secrets.randbelow(10**6):06d}"
        prefs.sms_code_hash = _code_hash(user, code)
        prefs.sms_code_expires_at = now + timedelta(minutes=SMS_CODE_MINUTES)
        prefs.sms_code_attempts = 0
        prefs.save()
        with translation.override(user.language):
            body = _("Your SofaDoc confirmation code: %(code)s") % {"code": code}
        try:
            sms.sms_backend().send(to=user.phone, body=body)
        except sms.SmsUnavailable as error:
            # Rolled back with the code: the person may ask again at once.
            raise SmsCodeError(
                _("SMS cannot be sent right now. Please try again in a few minutes.")
            ) from error
        except sms.SmsError as error:
            raise SmsCodeError(_("We could not send an SMS to this number.")) from error


def sms_code_confirm(*, user, code: str, actor) -> None:
    from django.utils.crypto import constant_time_compare
    from django.utils.translation import gettext as _

    # The error is raised after the commit, so a wrong guess is counted, not rolled back.
    error = None
    with transaction.atomic(durable=True):
        prefs = Preferences.objects.select_for_update().get(pk=preferences_for(user).pk)
        if (
            not prefs.sms_code_hash
            or not prefs.sms_code_expires_at
            or prefs.sms_code_expires_at < timezone.now()
            or prefs.sms_code_attempts >= SMS_CODE_ATTEMPTS
        ):
            error = _("This code has expired. Please ask for a new one.")
        elif not constant_time_compare(prefs.sms_code_hash, _code_hash(user, code.strip())):
            prefs.sms_code_attempts += 1
            prefs.save(update_fields=["sms_code_attempts", "updated_at"])
            error = _("That code is not right.")
        else:
            prefs.sms_confirmed_phone = user.phone
            prefs.sms_opted_out_at = None
            prefs.sms_code_hash = ""
            prefs.sms_code_expires_at = None
            prefs.save()
    if error:
        raise SmsCodeError(error)


def preferences_update(*, user, actor, ip: str = "", **fields) -> Preferences:
    with transaction.atomic(durable=True):
        prefs = Preferences.objects.select_for_update().get(pk=preferences_for(user).pk)
        tracking_before = prefs.open_tracking
        for name, value in fields.items():
            setattr(prefs, name, value)
        prefs.save()
        if prefs.open_tracking != tracking_before:
            _consent_log(
                user=user,
                purpose="email_open_tracking",
                granted=prefs.open_tracking,
                source="settings",
                ip=ip,
            )
    return prefs


def sms_status_update(*, sid: str, status: str, error_code: str = "") -> None:
    """Twilio's delivery status callback for a message we sent."""
    failed = status in ("failed", "undelivered")
    with transaction.atomic(durable=True):
        row = Notification.objects.select_for_update().filter(provider_id=sid).first()
        if row is None:
            return
        if failed:
            # The carrier's verdict is final: the scan does not text the person again and again
            # (the e-mail and inbox copies carry the message; staff can resend from the log).
            row.status, row.attempts = Status.FAILED, MAX_ATTEMPTS
            row.reason = f"Twilio {status} {error_code}".strip()[:255]
            if error_code == str(sms.OPTED_OUT):
                row.status = Status.SKIPPED
                sms_opt_out(phone=row.recipient.phone)
            row.save(update_fields=["status", "reason", "attempts"])
