"""Document numbers: one gap-free series per issuer and year ("2026-0001"; SofaDoc "SD-2026-00001").

The caller must be inside the transaction that writes the document: the series row stays locked
until it commits, so a rolled-back document gives its number back and two documents never share
one, however many workers issue at the same time.
"""

from __future__ import annotations

from django.db import transaction

from coaching.billing.models import SOFADOC_ISSUER, NumberSeries


def practice_issuer_key(practice_id: int) -> str:
    return f"practice:{practice_id}"


def number_take(*, issuer_key: str, year: int) -> str:
    """Lock the series row (creating it on first use), count up, and return the formatted number."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_take needs a transaction: the series lock must outlive it")
    rows = NumberSeries.objects.select_for_update().filter(issuer_key=issuer_key, year=year)
    series = rows.first()
    if series is None:
        # First number of the year: create the row without racing another worker into an
        # IntegrityError (ON CONFLICT DO NOTHING), then lock it like every other time.
        NumberSeries.objects.bulk_create(
            [NumberSeries(issuer_key=issuer_key, year=year)], ignore_conflicts=True
        )
        series = rows.get()
    series.last_number += 1
    series.save(update_fields=["last_number"])
    if issuer_key == SOFADOC_ISSUER:
        return f"SD-{year}-{series.last_number:05d}"
    return f"{year}-{series.last_number:04d}"
