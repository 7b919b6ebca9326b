"""The packages' notification kind (coaching/notifications/registry.py): a client is told once,
two weeks before a package with unused sessions expires, what happens to them then."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from coaching.notifications.models import Notification
from coaching.notifications.queueing import notify
from coaching.notifications.registry import NotificationKind, register
from coaching.packages.models import ClientPackage, ClientPackageState
from coaching.packages.selectors import client_packages_expiring

EXPIRY_NOTICE = timedelta(days=14)
KIND = "package_expiring"


def _client_package(row: Notification) -> ClientPackage | None:
    pk = row.key.removeprefix("package:")
    return ClientPackage.objects.filter(pk=pk).first() if pk.isdigit() else None


def _context(row: Notification) -> dict[str, Any]:
    client_package = _client_package(row)
    if client_package is None:
        return {}
    from coaching.packages.services import credit_balance

    return {
        "client_package": client_package,
        "remaining": credit_balance(client_package),
        "package_url": settings.SITE_URL
        + reverse("packages:detail", args=[client_package.reference]),
    }


def _skip_reason(row: Notification, now: datetime) -> str:
    client_package = _client_package(row)
    if client_package is None or client_package.state != ClientPackageState.ACTIVE:
        return "package no longer active"
    return ""


def packages_expiry_notices(*, now: datetime) -> int:
    """Queue the notice for each active package with sessions left that expires within two
    weeks (once per package: the key). Returns how many were queued now."""
    return sum(
        notify(
            recipients=[client_package.client],
            kind=KIND,
            key=f"package:{client_package.pk}",
        )
        for client_package in client_packages_expiring(before=now + EXPIRY_NOTICE, now=now)
    )


def register_kinds() -> None:
    register(
        NotificationKind(
            code=KIND,
            label=_("package expires soon"),
            context=_context,
            skip_reason=_skip_reason,
        )
    )
