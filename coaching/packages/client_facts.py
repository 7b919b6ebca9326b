"""The package balance a coach sees in their client list and on a client's page: each active
package's sessions left and its expiry. Given to coaching/clients as a fact source
(clients/facts.py) from this app's ready(), without importing clients (same layer)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from coaching.packages.models import ClientPackageState
from coaching.packages.selectors import package_balances

if TYPE_CHECKING:
    from coaching.practices.models import Practice


@dataclass(frozen=True)
class PackageFact:
    text: str  # "3 of 5 sessions left: Fünferkarte"
    note: str  # "läuft am 1. Juni 2027 ab"


def package_facts(
    *, practice: Practice, client_ids: Collection[int], now: datetime
) -> dict[int, list[PackageFact]]:
    """The active, unexpired packages of `client_ids` bought from `practice`, in one query."""
    found: defaultdict[int, list[PackageFact]] = defaultdict(list)
    rows = (
        package_balances(practice)
        .filter(client_id__in=client_ids, state=ClientPackageState.ACTIVE, expires_at__gt=now)
        .order_by("expires_at", "pk")
    )
    for row in rows:
        # A package has two sessions at least (models.Package), so the plural is always right.
        left = _("%(left)s of %(total)s sessions left") % {
            "left": row.remaining,
            "total": row.sessions,
        }
        until = formats.date_format(timezone.localtime(row.expires_at), "DATE_FORMAT")
        found[row.client_id].append(  # type: ignore[index]  # a paid package has a client
            PackageFact(text=f"{left}: {row.name}", note=_("expires %(date)s") % {"date": until})
        )
    return dict(found)
