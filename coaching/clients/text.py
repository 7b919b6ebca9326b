"""Plain text in, safe HTML out.

What people write here is plain text: markup (a tag, a comment, a script URL) is refused with a
clear message rather than stored, so no later page, e-mail or export has to worry about it. On
display everything is escaped first; notes and messages then get a small, fixed formatting:
**bold**, *italic*, lines starting with "- " as a list, blank lines as paragraphs.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

MARKUP = re.compile(r"<\s*[/!?]?\s*[a-zA-Z]|javascript\s*:|\x00", re.IGNORECASE)


def validate_plain_text(value: str) -> None:
    if value and MARKUP.search(value):
        raise ValidationError(
            _("Please write plain text: HTML tags and scripts are not allowed here."),
            code="markup",
        )


_BOLD = re.compile(r"\*\*(\S(?:.*?\S)?)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(\S(?:.*?\S)?)\*(?![*\w])")


def _inline(line: str) -> str:
    line = _BOLD.sub(r"<strong>\1</strong>", line)
    return _ITALIC.sub(r"<em>\1</em>", line)


def formatted(text: str) -> SafeString:
    """The text as HTML with the small formatting above; escaped before any tag is added."""
    blocks = []
    for block in re.split(r"\n\s*\n", escape(text or "").strip()):
        lines = [line.rstrip() for line in block.split("\n") if line.strip()]
        # Runs of "- " lines are a list; the lines between them a paragraph.
        run: list[str] = []
        is_list = None
        for line in [*lines, None]:
            item = line is not None and line.lstrip().startswith("- ")
            if run and (line is None or item != is_list):
                if is_list:
                    items = "".join(f"<li>{_inline(x.lstrip()[2:])}</li>" for x in run)
                    blocks.append(f"<ul>{items}</ul>")
                else:
                    blocks.append("<p>" + "<br>".join(_inline(x) for x in run) + "</p>")
                run = []
            if line is not None:
                run.append(line)
                is_list = item
    # Safe: every piece was escaped above, only our own tags were added.
    return mark_safe("".join(blocks))
