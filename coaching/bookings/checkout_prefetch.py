"""The booking page's reads of Redis, folded into the signed-in request's one MGET
(sofadoc.prefetch): the practice's cached rows with the listings' version
(published_practice_and_types) and the practice's availability version (slot_shown_free).
Two round trips fewer on the page people book from.

The address names the practice by its slug; the availability version is keyed by its id, which
this process learns from the first page of that practice it shows. Values read at the start of
the request are as safe as values read a moment later: whatever is kept under a version read
before the data it covers is retired by any change after it.
"""

from __future__ import annotations

import re

from django.http import HttpRequest

from coaching.practices.directory import LISTING_VERSION_KEY
from coaching.practices.pages import availability_version_key, page_data_key

# bookings:start, "coaches/<slug:slug>/book/<int:session_type_id>/" (a test compares them).
BOOKING_PAGE = re.compile(r"^/coaches/(?P<slug>[-a-zA-Z0-9_]+)/book/[0-9]+/$")

# slug -> practice id, as this process last saw it; a slug that moved to another practice only
# costs the page a read of its own (the right key is not among those prefetched).
_practice_ids: dict[str, int] = {}
_ENTRIES = 4096


def booking_page_keys(request: HttpRequest) -> list[str]:
    if request.method != "GET":
        return []
    match = BOOKING_PAGE.match(request.path_info)
    if match is None:
        return []
    slug = match["slug"]
    keys = [LISTING_VERSION_KEY, page_data_key(slug)]
    practice_id = _practice_ids.get(slug)
    if practice_id is not None:
        keys.append(availability_version_key(practice_id))
    return keys


def practice_shown(slug: str, practice_id: int) -> None:
    if _practice_ids.get(slug) != practice_id:
        if len(_practice_ids) >= _ENTRIES:
            _practice_ids.clear()
        _practice_ids[slug] = practice_id
