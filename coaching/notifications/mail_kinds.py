"""The e-mail kinds of the apps below notifications (accounts, privacy, payments, billing) and
of news: they send with `sofadoc.mail.mail_queue(kind=..., ...)` (they may not import this
app), and the kinds are registered here, each with its one template
`templates/notifications/<code>.txt`. Imported by NotificationsConfig.ready(), which also
installs the queue behind sofadoc.mail.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from coaching.billing.models import Document
from coaching.billing.rendering import document_filename, document_pdf
from coaching.notifications.links import news_token
from coaching.notifications.models import Notification
from coaching.notifications.registry import EMAIL, NotificationKind, register
from privacy.selectors import data_request_for_mail, support_request_for_mail

ONLY_EMAIL = frozenset({EMAIL})


class MailKind:
    """The codes of e-mail-only kinds: those the apps below pass to sofadoc.mail.mail_queue,
    and news."""

    ACCOUNT = "account"  # allauth's mails (sofadoc/accounts/adapter.py)
    ERASURE_DONE = "erasure_done"  # privacy: to the erased account's former address
    DATA_REQUEST_ALERT = "data_request_alert"  # privacy: to PRIVACY_REQUESTS_EMAIL
    SUPPORT_REQUEST = "support_request"  # privacy: to SUPPORT_EMAIL
    FEE_INVOICE = "fee_invoice"  # billing: to the coach, with the PDF
    DISPUTE_STAFF = "dispute_staff"  # payments: to SUPPORT_EMAIL
    RECONCILIATION_STAFF = "reconciliation_staff"  # payments: to SUPPORT_EMAIL
    NEWS = "news"  # notifications' news.py: to confirmed subscribers


def _pk(row: Notification) -> int:
    """Keys of these kinds are "<noun>:<pk>[:…]"."""
    return int(row.key.split(":")[1])


# --- privacy ----------------------------------------------------------------------------------
def _data_request_context(row: Notification) -> dict[str, Any]:
    item = data_request_for_mail(_pk(row))
    if item is None:
        return {}
    url = reverse("admin:privacy_datarequest_change", args=[item.pk])
    return {
        "item": item,
        "days": (item.deadline - timezone.localdate()).days,
        "admin_url": settings.SITE_URL + url,
    }


def _data_request_skip(row: Notification, now: datetime) -> str:
    item = data_request_for_mail(_pk(row))
    if item is None:
        return "request deleted"
    return "request answered" if item.answered_on else ""


def _support_request(row: Notification) -> Any:
    return support_request_for_mail(_pk(row))


def _support_context(row: Notification) -> dict[str, Any]:
    item = _support_request(row)
    return {"item": item, "reference": f"SR-{item.pk}"} if item else {}


def _support_headers(row: Notification) -> dict[str, str]:
    item = _support_request(row)
    # Staff answer the person by replying.
    return {"Reply-To": item.email} if item else {}


def _support_skip(row: Notification, now: datetime) -> str:
    return "" if _support_request(row) is not None else "request deleted"


# --- billing ----------------------------------------------------------------------------------
def _fee_invoice(row: Notification) -> Document | None:
    return Document.objects.filter(pk=_pk(row)).first()


def _fee_invoice_context(row: Notification) -> dict[str, Any]:
    document = _fee_invoice(row)
    if document is None or document.period_start is None:
        return {}
    return {
        "document": document,
        "month": formats.date_format(document.period_start, "F Y"),
        "url": settings.SITE_URL + reverse("billing:document_pdf", args=[document.pk]),
    }


def _fee_invoice_pdf(row: Notification) -> list[tuple[str, str | bytes, str]]:
    document = _fee_invoice(row)
    if document is None:
        return []
    return [(document_filename(document), document_pdf(document), "application/pdf")]


# --- news -------------------------------------------------------------------------------------
def _news_headers(row: Notification) -> dict[str, str]:
    url = _news_unsubscribe_url(row)
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _news_unsubscribe_url(row: Notification) -> str:
    return settings.SITE_URL + reverse(
        "notifications:news_unsubscribe", args=[news_token(row.person)]
    )


def _news_context(row: Notification) -> dict[str, Any]:
    return {"unsubscribe_url": _news_unsubscribe_url(row)}


def _news_skip(row: Notification, now: datetime) -> str:
    prefs = getattr(row.recipient, "notification_preferences", None)
    # Unsubscribed after it was queued: it is not sent.
    return "" if prefs is not None and prefs.news_confirmed_at else "not subscribed"


register(
    NotificationKind(
        MailKind.ACCOUNT,
        _("account e-mail"),
        channels=ONLY_EMAIL,
        greeting=False,
        # allauth's templates know the person as `user`.
        context=lambda row: {"user": row.recipient},
        # An address being confirmed, or one that has no account: not kept once sent.
        forget_address=True,
    ),
    NotificationKind(
        MailKind.ERASURE_DONE,
        _("account erased"),
        channels=ONLY_EMAIL,
        # "We have not kept your address": the row forgets it once the mail is out.
        forget_address=True,
    ),
    NotificationKind(
        MailKind.DATA_REQUEST_ALERT,
        _("data request deadline (staff)"),
        channels=ONLY_EMAIL,
        context=_data_request_context,
        skip_reason=_data_request_skip,
    ),
    NotificationKind(
        MailKind.SUPPORT_REQUEST,
        _("support request (staff)"),
        channels=ONLY_EMAIL,
        greeting=False,
        context=_support_context,
        skip_reason=_support_skip,
        headers=_support_headers,
    ),
    NotificationKind(
        MailKind.FEE_INVOICE,
        _("fee invoice"),
        channels=ONLY_EMAIL,
        context=_fee_invoice_context,
        attachments=_fee_invoice_pdf,
    ),
    NotificationKind(MailKind.DISPUTE_STAFF, _("PayPal dispute (staff)"), channels=ONLY_EMAIL),
    NotificationKind(
        MailKind.RECONCILIATION_STAFF,
        _("reconciliation difference (staff)"),
        channels=ONLY_EMAIL,
    ),
    NotificationKind(
        MailKind.NEWS,
        _("news and tips"),
        channels=ONLY_EMAIL,
        greeting=False,
        context=_news_context,
        skip_reason=_news_skip,
        headers=_news_headers,
    ),
)
