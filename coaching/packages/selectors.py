"""Reads of packages: offers on the practice page, a client's packages with their balance, and
the balances a coach sees per client. Balances are sums over the credit ledger, in the query."""

from __future__ import annotations

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from coaching.packages.models import ClientPackage, ClientPackageState, Package

SHOWN_STATES = (ClientPackageState.ACTIVE, ClientPackageState.EXPIRED, ClientPackageState.REVOKED)


def _with_balance(client_packages: QuerySet[ClientPackage]) -> QuerySet[ClientPackage]:
    return client_packages.annotate(remaining=Coalesce(Sum("credits__delta"), 0))


def packages_on_sale(practice) -> QuerySet[Package]:
    """A practice's offers, with their session type (for the saving per session)."""
    return (
        Package.objects.filter(practice=practice, is_active=True, session_type__is_active=True)
        .select_related("session_type")
        .order_by("session_type__position", "sessions", "pk")
    )


def packages_of_practice(practice) -> QuerySet[Package]:
    return Package.objects.filter(practice=practice).select_related("session_type")


def client_packages_of(client) -> QuerySet[ClientPackage]:
    """What `client` bought (paid ones), newest first, each with `remaining` sessions."""
    return _with_balance(
        ClientPackage.objects.filter(client=client, state__in=SHOWN_STATES).select_related(
            "practice", "session_type"
        )
    ).order_by("-activated_at")


def package_balances(practice, client=None) -> QuerySet[ClientPackage]:
    """The balances the coach of `practice` sees: every paid client package (of `client` only,
    when given), with `remaining` sessions and the client, in one query."""
    found = ClientPackage.objects.filter(practice=practice, state__in=SHOWN_STATES)
    if client is not None:
        found = found.filter(client=client)
    return _with_balance(found.select_related("client", "session_type")).order_by("-activated_at")


def client_package_for(client, reference: str) -> ClientPackage | None:
    """`client`'s own package by reference (None for anyone else's → 404), with its balance."""
    return (
        _with_balance(ClientPackage.objects.filter(Q(client=client), reference=reference))
        .select_related("practice", "session_type", "session_type__practice")
        .first()
    )


def client_packages_expiring(*, before, now) -> QuerySet[ClientPackage]:
    """Active packages with sessions left that expire between `now` and `before`."""
    return (
        _with_balance(
            ClientPackage.objects.filter(
                state=ClientPackageState.ACTIVE, expires_at__gt=now, expires_at__lte=before
            )
        )
        .filter(remaining__gt=0)
        .select_related("client")
    )
