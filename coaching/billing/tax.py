"""How a gross price splits into net and VAT under a coach's treatment. Pure: no ORM, no clock.

Prices on SofaDoc are gross (what the client pays). A coach who charges VAT shows the net and the
19 % it contains; a small business (§ 19 UStG) and an exempt healing profession (§ 4 Nr. 14 UStG)
charge none and print the note the law asks for instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from coaching.practices.models import TaxTreatment

CENT = Decimal("0.01")
VAT_RATE = Decimal("19.00")
ZERO = Decimal("0.00")

NOTES = {
    TaxTreatment.SMALL_BUSINESS: _("According to § 19 UStG, no VAT is charged (small business)."),
    TaxTreatment.EXEMPT_HEALING: _("VAT-exempt healing treatment according to § 4 Nr. 14 UStG."),
    TaxTreatment.VAT: "",
}


@dataclass(frozen=True)
class Split:
    net: Decimal
    vat: Decimal
    gross: Decimal


def rate_for(treatment: str) -> Decimal:
    return VAT_RATE if treatment == TaxTreatment.VAT else ZERO


def split_gross(gross: Decimal, rate: Decimal) -> Split:
    """Net and VAT contained in `gross`, to the cent; net + vat == gross always (also negative)."""
    gross = gross.quantize(CENT)
    if not rate:
        return Split(net=gross, vat=ZERO, gross=gross)
    net = (gross * 100 / (100 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
    return Split(net=net, vat=gross - net, gross=gross)


def note_for(treatment: str) -> object:
    return NOTES.get(treatment, "")  # type: ignore[call-overload]  # a choice's value is its str
