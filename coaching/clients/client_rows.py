"""The coach's client list, one row per client as the page shows it, formatted here once.

The rows are read as plain values (selectors.ClientList: no Relationship and User objects for
50 clients) and every link, date and count label is made in Python with
coaching/clients/formatting.py: the template only places them. The figures keep their raw
values beside the text for tests and other uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

from coaching.clients.facts import FactColumn
from coaching.clients.formatting import PageDates, PathFor


@dataclass(frozen=True)
class ClientRow:
    pk: int
    client_id: int
    name: str
    ended: bool
    next_session: datetime | None
    last_session: datetime | None
    no_shows: int
    open_tasks: int
    unread: int
    next_text: str  # "Tue 6. Jan, 09:30" in the viewer's zone, "" for none
    last_text: str  # "6. Jan 2026", "" for none
    unread_text: str  # "3 new", "" for none
    detail_url: str
    thread_url: str
    fact_columns: Sequence[FactColumn]
    fact_cells: SafeString  # one <td> per fact source, as the table's row shows them


def client_rows(
    values: Iterable[Mapping[str, Any]], facts: Mapping[int, Sequence[FactColumn]]
) -> list[ClientRow]:
    dates = PageDates()
    detail, thread = PathFor("clients:detail"), PathFor("clients:thread")
    rows = []
    for row in values:
        next_session, last_session, unread = row["next_session"], row["last_session"], row["unread"]
        columns = facts.get(row["client_id"], ())
        rows.append(
            ClientRow(
                pk=row["pk"],
                client_id=row["client_id"],
                name=row["display_name"],
                ended=row["ended_at"] is not None,
                next_session=next_session,
                last_session=last_session,
                no_shows=row["no_shows"],
                open_tasks=row["open_tasks"],
                unread=unread,
                next_text=dates.weekday_time(next_session) if next_session else "",
                last_text=dates.day_year(last_session) if last_session else "",
                unread_text=(
                    ngettext("%(n)s new", "%(n)s new", unread) % {"n": unread} if unread else ""
                ),
                detail_url=detail(row["pk"]),
                thread_url=thread(row["pk"]),
                fact_columns=columns,
                fact_cells=_fact_cells(columns),
            )
        )
    return rows


def _fact_cells(columns: Sequence[FactColumn]) -> SafeString:
    """The row's fact columns. In the template they were two loops nested in the row's loop
    (a third of the list's rendering for one source); each piece is escaped by format_html."""
    cells = []
    for column in columns:
        facts = [
            format_html(
                "<div>{}{}</div>",
                fact.text,
                format_html(' <span class="muted">· {}</span>', fact.note) if fact.note else "",
            )
            for fact in column.facts
        ]
        inner = mark_safe("".join(facts)) if facts else _NONE
        cells.append(
            format_html('<td data-label="{}" class="client-facts">{}</td>', column.title, inner)
        )
    return mark_safe("".join(cells))


_NONE = mark_safe('<span class="muted">–</span>')
