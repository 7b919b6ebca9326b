"""Cutting a person out of text that stays after their erasure (a kept booking's session name,
a message the other side received). Only what identifies them goes: their names, e-mail address,
phone number (in any common spelling) and practice name."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sofadoc.accounts.models import User

REDACTED = "[…]"
# Name parts shorter than this are too common to cut out alone ("Li" in "Lieferung").
MIN_NAME_PART = 3


def person_identifiers(user: User) -> list[str]:
    """The strings that name `user`: whole names first, then their parts."""
    from django.apps import apps

    names = {user.display_name or "", user.email or ""}
    if apps.is_installed("coaching.practices"):
        practice_model = apps.get_model("practices", "Practice")
        names |= set(practice_model.objects.filter(owner=user).values_list("name", flat=True))
    parts = set()
    for name in list(names):
        local = name.split("@")[0] if "@" in name else ""
        for part in re.split(r"[\s.,_\-@]+", local or name):
            if len(part) >= MIN_NAME_PART:
                parts.add(part)
    found = {n.strip() for n in names | parts if n and n.strip()}
    return sorted(found, key=len, reverse=True)


def _phone_pattern(phone: str) -> str | None:
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) < 6:
        return None
    # +49 151 … may be written 0151 …, 0049 151 … or with spaces, dashes and slashes.
    national = digits[2:] if phone.strip().startswith("+49") else digits.lstrip("0")
    spaced = r"[\s\-/().]*".join(national)
    return r"(?:(?:\+|00)\s*49[\s\-/().]*(?:\(0\))?|0)?[\s\-/().]*" + spaced


def identifiers_pattern(user: User) -> re.Pattern | None:
    alternatives = [re.escape(n) for n in person_identifiers(user)]
    phone = _phone_pattern(getattr(user, "phone", "") or "")
    if phone:
        alternatives.insert(0, phone)
    if not alternatives:
        return None
    # Whole words only: "Jo" must not eat the "Jo" in "Johannes".
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def redact(text: str, pattern: re.Pattern | None) -> str:
    if not text or pattern is None:
        return text
    return pattern.sub(REDACTED, text)
