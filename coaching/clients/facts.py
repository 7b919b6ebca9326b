"""Facts about a coach's clients that other apps know (a package's sessions left and expiry).

clients sits in the top layer beside packages, and the two must not import each other, so an
app adds a *fact source* from its AppConfig.ready() through the clients app config, without
importing this module:

    if apps.is_installed("coaching.clients"):
        apps.get_app_config("clients").register_fact_source(
            code="packages", title=_("Packages"), facts=package_facts
        )

A source takes the practice, the client ids of one page (the list's page, or the one client of
a client's page) and `now`, and answers *in one query for all of them*, per client id, a list
of facts: any objects with a `text` (the figure) and a `note` (a smaller line below, "" for
none), both already in the viewer's language and time zone. A client without facts is left
out. The client list shows one column per source, a client's page one card per source.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from coaching.practices.models import Practice


class Fact(Protocol):
    text: str
    note: str


class FactsFor(Protocol):
    def __call__(
        self, *, practice: Any, client_ids: Collection[int], now: datetime
    ) -> Mapping[int, Sequence[Fact]]: ...


@dataclass(frozen=True)
class FactSource:
    code: str
    title: Any  # a (lazy) translated column heading
    facts: FactsFor


@dataclass(frozen=True)
class FactColumn:
    """One source's facts about one client (empty when it knows nothing of them)."""

    code: str
    title: Any
    facts: Sequence[Fact]


_sources: dict[str, FactSource] = {}


def register_fact_source(*, code: str, title: Any, facts: FactsFor) -> FactSource:
    """Register once; the same code again replaces it (AppConfig.ready may run twice)."""
    source = FactSource(code=code, title=title, facts=facts)
    _sources[code] = source
    return source


def fact_sources() -> list[FactSource]:
    return sorted(_sources.values(), key=lambda source: source.code)


def client_facts(
    *, practice: Practice, client_ids: Collection[int], now: datetime
) -> dict[int, list[FactColumn]]:
    """Per client id, one column per registered source (in a fixed order). One query per
    source for all `client_ids`, none when there are no clients."""
    ids = {pk for pk in client_ids if pk is not None}
    columns: dict[int, list[FactColumn]] = {pk: [] for pk in ids}
    if not ids:
        return columns
    for source in fact_sources():
        found = source.facts(practice=practice, client_ids=ids, now=now)
        for pk in ids:
            columns[pk].append(FactColumn(source.code, source.title, tuple(found.get(pk, ()))))
    return columns
