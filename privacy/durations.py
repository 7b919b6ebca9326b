"""How long something lives, in words ("90 days", "2 weeks", "1 year"): the cookie list and the
retention schedule state each period once, as a number, and show it with `duration_text`."""

from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext

DAY = 24 * 60 * 60  # seconds


def _duration_text(seconds: int | None) -> str:
    if seconds is None:
        return gettext("Until you close the browser")
    days = seconds // DAY
    if days >= 365 and days % 365 < 7:
        return ngettext("%(count)d year", "%(count)d years", days // 365) % {"count": days // 365}
    if days >= 14 and days % 7 == 0:
        return ngettext("%(count)d week", "%(count)d weeks", days // 7) % {"count": days // 7}
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


# Lazy: the registries are built at import, the text is wanted in the reader's language.
duration_text = lazy(_duration_text, str)
