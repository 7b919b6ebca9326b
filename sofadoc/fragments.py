"""The parts of every page around its content (header, footer, cookie banner), rendered once
per process for each thing they can show: `{% load fragments %}{% shared_partial "..." %}`.

Rendered on every request, these partials were about a third of a signed-in page's time (their
`{% url %}` and `{% translate %}` tags; profile in bench.page_profile). What they show is a few
values: the language, signed in or not, staff or not, the unread counts, the cookie choice.
Each partial names those values in KEYS below; the first rendering for a key is kept in this
process's memory and reused for everyone with the same key. The key is the content, so a copy
can never be stale or another person's: a new unread count is another key, not an update. No
version to bump, no round trip to Redis, and a new release starts with empty copies.

What differs per request is rendered as a placeholder and filled in each time: the CSRF token
of the forms, and the page's address (`request.get_full_path`, where the language switch and
the cookie banner send the visitor back). A partial that reads anything else from `request`
fails loudly rather than be cached with it: add the value to its key first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.template.context import Context
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from sofadoc.kept import Kept

register = template.Library()

# Neither is changed by HTML escaping, and neither can occur in a real page.
TOKEN_SLOT = "\x00csrf-token\x00"  # noqa: S105 - a placeholder, not a secret
PATH_SLOT = "\x00full-path\x00"
# Unread counts make the keys unbounded in theory; a handful are used in practice.
MAX_ENTRIES = 512


def _header_key(context: Context) -> tuple:
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return (False,)
    # The inbox's unread count and the coach-client conversations' (coaching/clients).
    counts = (context.get("unread_messages"), context.get("unread_client_messages"))
    return (True, user.is_staff, *(count() if callable(count) else count for count in counts))


def _cookie_banner_key(context: Context) -> tuple:
    choice = context.get("cookie_choice")
    return (
        bool(context.get("cookie_banner")),
        bool(getattr(choice, "statistics", False)),
        bool(getattr(choice, "marketing", False)),
    )


# Partial -> what it shows besides the language. Whoever adds a value to one of these
# templates adds it here (tests/test_fragments.py renders each both ways and compares).
KEYS: dict[str, Callable[[Context], tuple]] = {
    "partials/header.html": _header_key,
    "partials/footer.html": lambda context: (),
    "privacy/partials/cookie_banner.html": _cookie_banner_key,
}

_rendered: Kept[tuple, str] = Kept(MAX_ENTRIES)


class _RequestPlaceholder:
    """What a cached partial may read of the request: its address, as a placeholder."""

    def get_full_path(self) -> str:
        return PATH_SLOT

    def __getattr__(self, name: str) -> Any:
        raise RuntimeError(
            f"A shared partial read request.{name}: add what it shows to its key in "
            "sofadoc.fragments.KEYS and give it to the template, or include it normally."
        )


@register.simple_tag(takes_context=True)
def shared_partial(context: Context, name: str) -> SafeString:
    """The partial `name` as {% include %} would render it, from this process's copy."""
    request = context.get("request")
    if request is None:  # rendered outside a request (a page sent by e-mail): as it is
        return context.template.engine.get_template(name).render(context)  # type: ignore[union-attr]
    values = KEYS[name](context)
    key = (name, get_language(), values)
    html = _rendered.get(key)
    if html is None:
        html = _rendered.keep(key, _render(context, name, values))
    if TOKEN_SLOT in html:
        html = html.replace(TOKEN_SLOT, _token(context, request))
    if PATH_SLOT in html:
        html = html.replace(PATH_SLOT, escape(request.get_full_path()))
    return mark_safe(html)  # our own template's output


def _token(context: Context, request) -> str:
    """The page's own CSRF token (the one its {% csrf_token %} shows), for all its shared
    partials: masking a new one draws 32 characters from the system's random generator,
    which three or four times a page was measurable."""
    token = context.get("csrf_token")
    return str(token) if token else get_token(request)


def _render(context: Context, name: str, values: tuple) -> str:
    partial = context.template.engine.get_template(name)  # type: ignore[union-attr]
    overrides = {"csrf_token": TOKEN_SLOT, "request": _RequestPlaceholder()}
    if name == "partials/header.html" and len(values) == 4:
        # Read once, for the key.
        overrides["unread_messages"], overrides["unread_client_messages"] = values[2:]
    with context.push(overrides):
        return partial.render(context)


def forget_all() -> None:
    """Drop this process's copies (tests that change templates or translations)."""
    _rendered.clear()
    _memos.clear()


# --- {% memo %}: a part of one page, kept per process for what it shows --------------------------

_memos: Kept[tuple, str] = Kept(MAX_ENTRIES)


class MemoNode(template.Node):
    def __init__(self, name: str, values: list, nodelist: template.NodeList):
        self.name, self.values, self.nodelist = name, values, nodelist

    def render(self, context: Context) -> str:
        request = context.get("request")
        values = tuple(value.resolve(context) for value in self.values)
        if request is None or None in values:  # no request, or a version unknown: render
            return self.nodelist.render(context)
        key = (self.name, get_language(), timezone.get_current_timezone_name(), values)
        html = _memos.get(key)
        if html is None:
            with context.push(csrf_token=TOKEN_SLOT, request=_RequestPlaceholder()):
                html = _memos.keep(key, self.nodelist.render(context))
        if TOKEN_SLOT in html:
            html = html.replace(TOKEN_SLOT, _token(context, request))
        if PATH_SLOT in html:
            html = html.replace(PATH_SLOT, escape(request.get_full_path()))
        return html


@register.tag
def memo(parser, token) -> MemoNode:
    """`{% memo "name" value ... %}…{% endmemo %}`: the enclosed part, rendered once per process
    for each language, viewer's time zone and set of values, then reused. The values must
    together determine everything the part shows (versions of the data it reads, the flags it
    tests); when one is None (e.g. the cache is down, so no version is known) it is rendered
    every time. Like the shared partials, it may not read the request, and its CSRF token is
    filled in per request."""
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError("memo needs a quoted name and at least one value")
    name = bits[1].strip("\"'")
    values = [parser.compile_filter(bit) for bit in bits[2:]]
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(name, values, nodelist)
