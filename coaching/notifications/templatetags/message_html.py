"""A message's text as HTML, for the e-mail's HTML part and the inbox page: paragraphs, and
every link that ends a line as a button rather than a raw address.

The text templates write a link on a line of its own, after a short label ("Ihre Buchung
öffnen: https://…"): the label becomes the button's text. A long sentence before the link
stays a paragraph and the button reads "Link öffnen". Links inside a sentence stay links.
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape, format_html, urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()

# "Label: https://…" or a bare "https://…" on one line.
_LINK_LINE = re.compile(r"^(?:(?P<label>.*):\s+)?(?P<url>https?://\S+)$")
LABEL_MAX = 60
# E-mail clients ignore style sheets: the button's look goes inline there.
_EMAIL_BUTTON = (
    "display: inline-block; padding: 0.6em 1.2em; background: #2f5d62; color: #ffffff; "
    "border-radius: 6px; text-decoration: none; font-weight: bold;"
)


def _button(url: str, label: str, *, email: bool) -> SafeString:
    if email:
        return format_html('<a href="{}" style="{}">{}</a>', url, _EMAIL_BUTTON, label)
    return format_html('<a class="button" href="{}">{}</a>', url, label)


def _line_html(line: str, *, email: bool) -> list[SafeString]:
    """One line as HTML pieces: text (links inside it made clickable) and/or a button."""
    match = _LINK_LINE.match(line.strip())
    if match is None:
        return [mark_safe(urlize(escape(line)))]  # escaped, then links added
    label = (match["label"] or "").strip()
    url = match["url"]
    if label and len(label) <= LABEL_MAX:
        return [_button(url, label, email=email)]
    pieces = [mark_safe(urlize(escape(label)))] if label else []
    return [*pieces, _button(url, gettext("Open link"), email=email)]


@register.filter(is_safe=True)
def message_html(text: str, mode: str = "page") -> SafeString:
    """`{{ text|message_html }}` on a page, `{{ text|message_html:"email" }}` in a mail."""
    email = mode == "email"
    paragraphs = []
    for block in re.split(r"\n\s*\n", str(text or "").strip()):
        if not block.strip():
            continue
        pieces: list[SafeString] = []
        for line in block.splitlines():
            pieces.extend(_line_html(line, email=email))
        body = mark_safe("<br>".join(pieces))  # each piece is escaped
        paragraphs.append(format_html("<p>{}</p>", body))
    return mark_safe("\n".join(paragraphs))  # each paragraph is escaped
