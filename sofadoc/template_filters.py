"""Formatting used on every page: money the German way, times with their zone named."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import formats, translation

from sofadoc.accounts.timezones import zone_label

register = template.Library()


@register.filter
def money(amount, currency: str = "EUR") -> str:
    """49 → "49,00 €" in German, "€49.00" in English; other currencies keep their ISO code."""
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    number = formats.number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
    symbol = "€" if currency == "EUR" else currency
    if translation.get_language() == "en":
        return f"{symbol}{number}" if symbol == "€" else f"{symbol} {number}"
    return f"{number}\N{NO-BREAK SPACE}{symbol}"


@register.filter(name="zone_label")
def zone_label_filter(name) -> str:
    """Europe/Berlin → "Mitteleuropäische Zeit (Berlin)" in German; accepts a ZoneInfo too."""
    return zone_label(str(name))
