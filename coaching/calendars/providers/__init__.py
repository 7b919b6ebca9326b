"""The outside calendar services behind one interface (`base.Provider`), one module each.

    provider_for(connection).changes(...)

CalDAV speaks to the coach's server through the `caldav` package; Google and Microsoft through
their documented REST endpoints with `requests` (so `responses` fakes them in tests). The rest of
the app never imports a client library directly.
"""

from __future__ import annotations

from coaching.calendars.providers.base import Provider, ProviderError


def provider_for(connection) -> Provider:
    from coaching.calendars.providers import caldav, google, microsoft

    modules = {"caldav": caldav, "google": google, "microsoft": microsoft}
    return modules[connection.provider].PROVIDER


__all__ = ["Provider", "ProviderError", "provider_for"]
