"""Public pages: the directory, a practice's page and its slots API."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import UTC, date, datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from coaching.practices.daystrip import booking_panel, chosen_type, strip_window
from coaching.practices.directory import (
    DIRECTORY_CACHE_SECONDS,
    LISTING_VERSION_KEY,
    directory_cache_key,
    practices_for_directory,
    versioned_get,
    versioned_set,
    with_lowest_prices,
)
from coaching.practices.forms import DirectoryFilterForm, SlotsQueryForm
from coaching.practices.models import Practice, PracticeSlugRedirect, SessionType, Specialty
from coaching.practices.pages import (
    availability_version_key,
    free_slots_kept,
    free_times_hold_until,
    published_practice_and_types,
    published_session_type,
)
from coaching.practices.selectors import (
    practice_free_slot_seconds,
    practice_next_free_for_listing,
)
from sofadoc.accounts.staff import staff_with_two_factors
from sofadoc.accounts.timezones import is_valid_time_zone
from sofadoc.cache import cache_read
from sofadoc.kept import Kept
from sofadoc.pagecache import (
    cache_for_visitors,
    depends_on,
    public_data_cache,
    visitor_page_cache,
)

PAGE_SIZE = 12
SLOTS_DAYS = 7  # slots.json without ?days=


@require_GET
@visitor_page_cache
def directory(request: HttpRequest) -> HttpResponse:
    depends_on(request, LISTING_VERSION_KEY)
    # The listing (filters, count, cards) is the same for everyone asking the same: cached.
    # Looked up before the filter form is built (a tenth of the page's time): a listing is
    # stored only for a query the form found valid and without "free within 7 days", under
    # the version its specialties and languages were read at, so a hit needs no form.
    key = directory_cache_key(
        query=list(request.GET.lists()),  # type: ignore[arg-type]
        language=get_language(),
        zone=timezone.get_current_timezone_name(),
    )
    listing = None
    version = None
    if key not in _never_stored:
        entry, version = versioned_get(key)
        listing = _fresh_enough(entry, key)  # type: ignore[arg-type]
    valid = stored = True
    if listing is None:
        form = DirectoryFilterForm(request.GET)  # every field is optional: no query is valid
        valid = form.is_valid()
        stored = valid and not form.filters().free_soon
        if stored:
            _never_stored.pop(key, None)
        else:
            _never_stored.keep(key, True)
        context = {"form": form, **_directory_listing_context(request, form, valid)}
        listing = render_to_string("practices/partials/directory_listing.html", context)
        if stored:
            versioned_set(
                key,
                (listing, time.time() + DIRECTORY_CACHE_SECONDS),
                version=version,
                timeout=DIRECTORY_CACHE_SECONDS * 3,
                fresh=DIRECTORY_CACHE_SECONDS,
            )
    context = {"listing": mark_safe(listing)}  # our own template's output
    response = render(request, "practices/directory.html", context, status=200 if valid else 400)
    if stored:  # "free within 7 days" rests on a set refreshed every minute: never cached
        cache_for_visitors(response, until=time.time() + DIRECTORY_CACHE_SECONDS)
    return response


# Queries whose listing is never stored (not valid, or "free within 7 days"), as this process
# last found: their lookup would only cost a round trip. Should one become valid (a new
# specialty), the form says so the next time the listing is rendered.
_never_stored: Kept[str, bool] = Kept(1024)


def _fresh_enough(entry: tuple[str, float] | None, key: str | None) -> str | None:
    """The cached listing, unless it is past its time and this request is the one (of all the
    concurrent ones) to render it again; the others keep the older copy meanwhile, so a popular
    listing is never rendered by every worker at once (under load that took seconds)."""
    if entry is None:
        return None
    listing, fresh_until = entry
    if time.time() < fresh_until:
        return listing
    refresh = cache_read(lambda: cache.add(f"{key}:refresh", 1, 30), down=True)
    return None if refresh else listing


def _directory_listing_context(request: HttpRequest, form: DirectoryFilterForm, valid: bool):
    if not valid:
        # Show what was wrong next to the filters, and no results for a question we can't read.
        page = Paginator(Practice.objects.none(), PAGE_SIZE).get_page(1)
    else:
        page = Paginator(practices_for_directory(form.filters()), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        page.object_list = with_lowest_prices(list(page.object_list))
        next_free = practice_next_free_for_listing([p.pk for p in page.object_list])
        for practice in page.object_list:
            practice.next_free = next_free.get(practice.pk)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    return {"page": page, "query": query.urlencode(), "specialties": Specialty.objects.all()}


@require_GET
@visitor_page_cache
def practice_detail(request: HttpRequest, slug: str) -> HttpResponse:
    depends_on(request, LISTING_VERSION_KEY)  # profile, session types, booking rules
    practice, session_types = _practice_and_types(request, slug)
    if practice.slug != slug:
        return _redirect_to_current(request, "practices:detail", practice)
    depends_on(request, availability_version_key(practice.pk))  # before the slots are read

    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    # Nothing is bookable before today or after the horizon; clamping also keeps absurd dates
    # (?day=9999-12-31) from overflowing.
    last_day = today + timedelta(days=practice.horizon_days)
    asked_day = _parse_day(request.GET.get("day"))
    window = strip_window(today=today, last_day=last_day, day=asked_day or today)
    chosen = chosen_type(session_types, request.GET.get("type"))
    slots: dict[int, list[datetime]] = {}
    stamp = None
    if chosen is not None:
        # From today, so each card's next free time is the next one; of the types not chosen
        # only that first time (the slot engine stops there).
        slots, stamp = free_slots_kept(
            practice=practice,
            session_types=session_types,
            start=_midnight(today, zone),
            end=_midnight(window.end, zone),
            limits={st.pk: 1 for st in session_types if st is not chosen},
            next_midnight=_midnight(today + timedelta(days=1), zone),
        )
    # The same free times shown the same way: the panel and its HTML kept in this process.
    shown_as = (
        (stamp, window, asked_day, str(zone), chosen.pk, get_language())  # type: ignore[union-attr]
        if stamp is not None
        else None
    )
    kept = _panels.get(shown_as) if shown_as is not None else None
    if kept is not None:
        panel, booking_html = kept
    else:
        panel = (
            booking_panel(
                session_types=session_types,
                chosen=chosen,
                slots=slots,
                window=window,
                asked_day=asked_day,
                zone=zone,
                coach_zone=ZoneInfo(practice.time_zone),
                book_url=slot_booking_url_for(practice),
            )
            if chosen is not None
            else None
        )
        if panel is not None:
            panel["book_path"] = _booking_path(practice, panel["chosen"])  # the script's slots
        booking_html = _booking_html(practice, panel)
        if shown_as is not None:
            _panels.keep(shown_as, (panel, booking_html))
    header_html, about_html = _profile_html(practice)
    context = {
        "practice": practice,
        "panel": panel,
        "booking_html": booking_html,
        "header_html": header_html,
        "about_html": about_html,
        "is_owner_preview": not practice.is_published,
    }
    response = render(request, "practices/practice_detail.html", context)
    if practice.is_published:
        until = free_times_hold_until(
            now=timezone.now(),
            first_slot=min((times[0] for times in slots.values() if times), default=None),
            min_notice_hours=practice.min_notice_hours,
            next_midnight=_midnight(today + timedelta(days=1), zone),
        )
        cache_for_visitors(response, until=until)
    return response


# A practice page's booking panel and its HTML, per process: (free times' stamp, what else the
# panel shows) -> (panel, html). The stamp covers the practice, its types and the listings'
# version (cancellation window, slug), so nothing else of the practice goes into the key.
# Shared between requests: read only.
_panels: Kept[tuple, tuple[dict | None, str]] = Kept(512)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=zone)


@require_GET
@public_data_cache
def practice_slots(request: HttpRequest, slug: str) -> HttpResponse:
    """`{"timezone": zone the dates are read in, "slots": [UTC ISO starts]}` (DESIGN.md).

    The same for everyone who asks: a published practice's answer is kept for the next
    request like a visitor's page (sofadoc.pagecache), until a booking, the hours or the offer
    change, or time closes its first slot."""
    session_type = _bookable_type_at(request, slug)
    if session_type is not None:
        practice = session_type.practice
    else:  # an old address, a type not offered, a bad query: the full checks and messages
        practice = _visible_practice(request, slug)
        if practice.slug != slug:
            return _redirect_to_current(request, "practices:slots", practice)
    form = SlotsQueryForm(request.GET, practice=practice, session_type=session_type)
    if not form.is_valid():
        return JsonResponse(
            {
                "error": _("Please check the query."),
                "errors": {
                    field: [str(e) for e in errors] for field, errors in form.errors.items()
                },
            },
            status=400,
        )
    zone_name = request.GET.get("tz", "")
    zone = ZoneInfo(zone_name) if is_valid_time_zone(zone_name) else timezone.get_current_timezone()
    first_day = form.cleaned_data["start"]
    days = form.cleaned_data["days"] or SLOTS_DAYS
    start = datetime.combine(first_day, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(first_day + timedelta(days=days), datetime.min.time(), tzinfo=zone)
    session_type: SessionType = form.cleaned_data["type"]  # type: ignore[no-redef]
    depends_on(request, availability_version_key(practice.pk))  # before the slots are read
    slots = practice_free_slot_seconds(
        practice=practice,
        session_types=[session_type],  # type: ignore[list-item]
        start=start,
        end=end,
    )[session_type.pk]  # type: ignore[union-attr]
    response = JsonResponse({"timezone": str(zone), "slots": _utc_iso(slots)})
    if practice.is_published:  # an owner's preview of an unpublished practice is theirs alone
        today = timezone.localdate(timezone=zone)
        until = free_times_hold_until(
            now=timezone.now(),
            first_slot=datetime.fromtimestamp(slots[0], UTC) if slots else None,
            min_notice_hours=practice.min_notice_hours,
            next_midnight=datetime.combine(
                today + timedelta(days=1), datetime.min.time(), tzinfo=zone
            ),
        )
        cache_for_visitors(response, until=until)
    return response


_EPOCH = date(1970, 1, 1)


def _utc_iso(seconds: list[float]) -> list[str]:
    """Each time in seconds since the epoch (whole seconds, as the slot engine's are) as
    "2026-06-01T09:30:00Z". Each day's date and each time of day is written once: a strftime
    per slot was a fifth of a computed answer of 60 days."""
    days: dict[int, str] = {}
    clock: dict[int, str] = {}
    written = []
    for at in seconds:
        day, second = divmod(int(at), 86400)
        prefix = days.get(day)
        if prefix is None:
            prefix = days[day] = f"{(_EPOCH + timedelta(days=day)).isoformat()}T"
        time_of_day = clock.get(second)
        if time_of_day is None:
            time_of_day = clock[second] = (
                f"{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}Z"
            )
        written.append(prefix + time_of_day)
    return written


def _bookable_type_at(request: HttpRequest, slug: str) -> SessionType | None:
    """The active session type `?type=` of the practice at `slug` (with the practice), if the
    requester may see that practice; None for anything else. Marks the answer as resting on
    the listings' version (the session type's rules), read before the type."""
    try:
        type_id = int(request.GET.get("type", ""))
    except ValueError:
        type_id = None
    # The usual request: a published practice's type from its cached page data (no query),
    # with the listings' version it was read under.
    found = published_session_type(slug, type_id) if type_id is not None else None
    if found is not None:
        version = getattr(found.practice, "listing_version", None)
        depends_on(request, LISTING_VERSION_KEY, current=version)
        return found
    depends_on(request, LISTING_VERSION_KEY)
    if type_id is None:
        return None
    # Otherwise the database, which also knows the owner's preview of an unpublished practice.
    session_type = (
        SessionType.objects.select_related("practice")
        .filter(pk=type_id, is_active=True, practice__slug=slug)
        .first()
    )
    if session_type is None or not (
        session_type.practice.is_published or _may_preview(request, session_type.practice)
    ):
        return None
    return session_type


def slot_booking_url_for(practice: Practice) -> Callable[[SessionType, datetime], str]:
    """Where a slot's button leads (the booking flow, `bookings:start`), for this practice's
    slots: each type's path is reversed once, not once a slot."""
    paths: dict[int, str] = {}

    def url(session_type: SessionType, start: datetime) -> str:
        if session_type.pk not in paths:
            paths[session_type.pk] = _booking_path(practice, session_type)
        return f"{paths[session_type.pk]}?{_start_query(start)}"

    return url


def _booking_path(practice: Practice, session_type: SessionType) -> str:
    try:
        return reverse(
            "bookings:start", kwargs={"slug": practice.slug, "session_type_id": session_type.pk}
        )
    except NoReverseMatch:
        return f"/coaches/{practice.slug}/book/{session_type.pk}/"


def _start_query(start: datetime) -> str:
    # urlencode() of the same, written out: it ran for every slot on the page.
    return start.astimezone(UTC).strftime("start=%Y-%m-%dT%H%%3A%M%%3A%SZ")


PROFILE_CACHE_SECONDS = 600


def _practice_and_types(request: HttpRequest, slug: str) -> tuple[Practice, list[SessionType]]:
    """The practice at `slug` and its bookable session types: a published practice's from
    Redis (see published_practice_and_types); an old address or a preview from the database."""
    found = published_practice_and_types(slug)
    if found is not None:
        return found
    practice = _visible_practice(request, slug)
    return practice, list(practice.session_types.filter(is_active=True))


def _profile_html(practice: Practice) -> tuple[str, str]:
    """Name, photo, topics and languages; and the bio: rendered and cached under the listings'
    version (any change to a practice, its topics or languages replaces them) and the
    practice's last change: its topics and languages are then read only when it is rendered.
    Two pieces, so the booking panel can stand between them on a phone."""
    # v2: header and bio apart (v1 held them as one string).
    key = f"practices:profile:v2:{practice.pk}:{practice.updated_at.timestamp()}:{get_language()}"
    cached, version = versioned_get(key)
    if cached is None:
        cached = tuple(
            render_to_string(f"practices/partials/{name}.html", {"practice": practice})
            for name in ("practice_profile", "practice_about")
        )
        versioned_set(key, cached, version=version, timeout=PROFILE_CACHE_SECONDS)
    header, about = cast(tuple[str, str], cached)
    return mark_safe(header), mark_safe(about)  # our own templates' output


BOOKING_CACHE_SECONDS = 600
_booking_panels: Kept[str, str] = Kept(512)


def _booking_html(practice: Practice, panel: dict | None) -> str:
    """The booking panel, rendered, and cached under a digest of all it shows. The slots are
    worked out afresh on every request; only identical results share the rendering, so a
    booked or freed time shows at once and nothing is ever stale."""
    shown = None
    if panel is not None:
        types = [
            (
                card["session_type"].pk,
                card["session_type"].name,
                card["session_type"].description,
                card["session_type"].duration_minutes,
                str(card["session_type"].price),
                card["session_type"].currency,
                card["next"],
                card["selected"],
            )
            for card in panel["cards"]
        ]
        rest = {k: v for k, v in panel.items() if k not in ("cards", "chosen")}
        shown = (types, sorted(rest.items()))
    parts = (get_language(), practice.slug, practice.cancellation_window_hours, shown)
    key = f"practices:booking:{hashlib.sha256(repr(parts).encode()).hexdigest()}"
    # The key is the content: a copy in this process can never be stale, and saves a round trip.
    html = _booking_panels.get(key) or cache_read(lambda: cache.get(key), down=None)
    if html is None:
        html = render_to_string(
            "practices/partials/booking_panel.html", {"practice": practice, "panel": panel}
        )
        with suppress(Exception):
            cache.set(key, html, BOOKING_CACHE_SECONDS)
    _booking_panels.keep(key, html)
    return mark_safe(html)  # our own template's output


def _visible_practice(request: HttpRequest, slug: str) -> Practice:
    """The practice at `slug` or at a slug it used before; unpublished: owner and staff only."""
    practices = Practice.objects.select_related("owner")
    practice = practices.filter(slug=slug).first()
    if practice is None:
        previous = PracticeSlugRedirect.objects.filter(slug=slug).values_list(
            "practice_id", flat=True
        )
        practice = practices.filter(pk__in=previous).first()
    if practice is None:
        raise Http404
    if not practice.is_published and not _may_preview(request, practice):
        raise Http404
    return practice


def _may_preview(request: HttpRequest, practice: Practice) -> bool:
    user = request.user
    return user.is_authenticated and (user.pk == practice.owner_id or staff_with_two_factors(user))


def _redirect_to_current(request: HttpRequest, url_name: str, practice: Practice) -> HttpResponse:
    url = reverse(url_name, kwargs={"slug": practice.slug})
    if request.GET:
        url = f"{url}?{request.GET.urlencode()}"
    return redirect(url, permanent=True)


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
