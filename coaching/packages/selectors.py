"""Reads of packages: offers on the practice page, a client's packages with their balance, and
the balances a coach sees per client. Balances are sums over the credit ledger, in the query."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from coaching.packages.models import ClientPackage, ClientPackageState, Package
from coaching.practices.models import Practice
from sofadoc.accounts.models import User

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class _Balance(TypedDict):
        remaining: int

    # A client package read with its balance: `remaining` sessions, summed over its ledger.
    ClientPackageWithBalance: TypeAlias = WithAnnotations[ClientPackage, _Balance]

SHOWN_STATES = (ClientPackageState.ACTIVE, ClientPackageState.EXPIRED, ClientPackageState.REVOKED)


def _with_balance(
    client_packages: QuerySet[ClientPackage],
) -> QuerySet[ClientPackageWithBalance]:
    return client_packages.annotate(remaining=Coalesce(Sum("credits__delta"), 0))


def packages_on_sale(practice: Practice) -> QuerySet[Package]:
    """A practice's offers, with their session type (for the saving per session)."""
    return (
        Package.objects.filter(practice=practice, is_active=True, session_type__is_active=True)
        .select_related("session_type")
        .order_by("session_type__position", "sessions", "pk")
    )


def packages_of_practice(practice: Practice) -> QuerySet[Package]:
    return Package.objects.filter(practice=practice).select_related("session_type")


def client_packages_of(client: User) -> QuerySet[ClientPackageWithBalance]:
    """What `client` bought (paid ones), newest first, each with `remaining` sessions."""
    return _with_balance(
        ClientPackage.objects.filter(client=client, state__in=SHOWN_STATES).select_related(
            "practice", "session_type"
        )
    ).order_by("-activated_at")


def package_balances(
    practice: Practice, client: User | None = None
) -> QuerySet[ClientPackageWithBalance]:
    """The balances the coach of `practice` sees: every paid client package (of `client` only,
    when given), with `remaining` sessions and the client, in one query."""
    found = ClientPackage.objects.filter(practice=practice, state__in=SHOWN_STATES)
    if client is not None:
        found = found.filter(client=client)
    return _with_balance(found.select_related("client", "session_type")).order_by("-activated_at")


def client_package_for(client: User, reference: str) -> ClientPackageWithBalance | None:
    """`client`'s own package by reference (None for anyone else's → 404), with its balance."""
    return (
        _with_balance(ClientPackage.objects.filter(Q(client=client), reference=reference))
        .select_related("practice", "session_type", "session_type__practice")
        .first()
    )


def client_packages_expiring(
    *, before: datetime, now: datetime
) -> QuerySet[ClientPackageWithBalance]:
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
