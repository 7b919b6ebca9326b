"""A thread page's messages as the page shows them, one line each, made once in Python.

Per message the template used to format the text, ask the message's attachments twice (a new
queryset each time), translate who wrote it and format the date: for 50 messages that was
most of the page. Here the names are translated once, the date made by formatting.PageDates,
and the attachments come from the relationship's files, which the page reads anyway for its
file list (so no query of their own).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from coaching.clients.formatting import PageDates
from coaching.clients.models import Relationship, SharedFile, Side
from coaching.clients.selectors import ThreadMessage
from coaching.clients.text import formatted


@dataclass(frozen=True)
class ThreadLine:
    mine: bool  # written by the viewer
    html: SafeString  # the text, escaped and formatted (text.formatted)
    files: Sequence[SharedFile]  # attached to this message
    who: str  # "You", the client's name (for the coach) or "Your coach"
    when: str  # "6. Jan, 09:30" in the viewer's zone


def thread_lines(
    messages: Iterable[ThreadMessage],
    *,
    relationship: Relationship,
    side: str,
    files: Iterable[SharedFile],
) -> list[ThreadLine]:
    """`files`: the relationship's files (all of them, or at least those of `messages`)."""
    attached: defaultdict[int, list[SharedFile]] = defaultdict(list)
    for shared in files:
        if shared.message_id is not None:
            attached[shared.message_id].append(shared)
    dates = PageDates()
    you = _("You")
    other = relationship.client.display_name if side == Side.COACH else _("Your coach")
    return [
        ThreadLine(
            mine=message.sender_side == side,
            html=formatted(message.text),
            files=attached.get(message.pk, ()),
            who=you if message.sender_side == side else other,
            when=dates.day_time(message.created_at),
        )
        for message in messages
    ]
