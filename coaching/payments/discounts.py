"""Discount codes at checkout: payments knows that a purchase may be sold for less, not why.

The app that owns the codes (packages' coupons) registers a source from its AppConfig.ready(),
the way the selling apps register purchase kinds (kinds.py):

    register_discount_source(source)

    source(*, code, practice, buyer, lines, now, record) -> Discount

A source looks the code up for `practice` and answers the discounted lines (each line's amount
lowered, its description naming the discount, so the PayPal order and the receipt both carry
it) or raises DiscountRefused with a message to show. With `record=False` it only quotes (the
price shown before paying: nothing is locked or written); with `record=True` it is called by
`purchase_create` inside its transaction, locks what it counts (a coupon's uses) and returns a
Discount whose `redeem(purchase)` writes the use once the purchase exists.

Lines carry `offer_keys` ("session_type:12", "package:4") so a source can tell what is sold
before the thing itself exists (the price shown before a booking is held).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from django.utils.translation import gettext_lazy as _

from coaching.payments.lines import LineSpec
from sofadoc.errors import ShownError

if TYPE_CHECKING:
    from coaching.payments.models import Purchase


class DiscountRefused(ShownError):
    """The code does not apply; `message` says why. Nothing was changed."""


def _nothing(purchase: Purchase) -> None:
    return None


@dataclass(frozen=True)
class Discount:
    code: str
    label: str  # "Gutschein SOMMER (−20 %)", for the page before paying
    lines: list[LineSpec]  # the lines at their discounted amounts, descriptions naming it
    amount: Decimal  # what is taken off in all, > 0
    redeem: Callable[[Purchase], Any] = field(default=_nothing, compare=False)

    @property
    def total(self) -> Decimal:
        return sum((Decimal(line.amount) * line.quantity for line in self.lines), Decimal("0"))


class DiscountSource(Protocol):
    def __call__(
        self,
        *,
        code: str,
        practice: Any,
        buyer: Any,
        lines: list[LineSpec],
        now: datetime,
        record: bool,
    ) -> Discount: ...


_sources: list[DiscountSource] = []


def register_discount_source(source: DiscountSource) -> DiscountSource:
    """Add a source once (AppConfig.ready may run twice under some test runners)."""
    if source not in _sources:
        _sources.append(source)
    return source


def discount_for(
    *, code: str, practice, buyer, lines: list[LineSpec], now: datetime, record: bool = False
) -> Discount:
    """The discount `code` gives on `lines` bought from `practice` (DiscountRefused if none)."""
    code = normalise_code(code)
    if not code or not _sources:
        raise DiscountRefused(_("This code is not valid."))
    refused: DiscountRefused | None = None
    for source in _sources:
        try:
            return source(
                code=code, practice=practice, buyer=buyer, lines=lines, now=now, record=record
            )
        except DiscountRefused as error:
            refused = refused or error
    raise refused or DiscountRefused(_("This code is not valid."))


MAX_CODE_LENGTH = 32


def discount_quote(
    *, code: str, practice, buyer, lines: list[LineSpec], now: datetime
) -> tuple[Discount | None, str]:
    """For the page before paying: the discount `code` gives (None for no code), and the
    message to show when it does not apply. Writes and locks nothing."""
    code = normalise_code(code)
    if not code:
        return None, ""
    if len(code) > MAX_CODE_LENGTH:
        return None, str(_("This code is not valid."))
    try:
        return discount_for(
            code=code, practice=practice, buyer=buyer, lines=lines, now=now, record=False
        ), ""
    except DiscountRefused as error:
        return None, str(error.message)


def discount_context(code: str, discount: Discount | None, error: str) -> dict:
    """What templates/payments/partials/discount_code.html shows, for a checkout's page."""
    return {"coupon_code": code, "discount": discount, "discount_error": error}


def entered_code(request) -> str:
    """The code a buyer typed (form field or query value `coupon`), as codes are compared; one
    longer than any code is cut to one character more, so it stays refused."""
    code = request.POST.get("coupon") or request.GET.get("coupon") or ""
    return normalise_code(code[: MAX_CODE_LENGTH + 1])


def normalise_code(code: str) -> str:
    """Codes are compared without case and surrounding spaces ("sommer " is SOMMER)."""
    return (code or "").strip().upper()


__all__ = [
    "Discount",
    "DiscountRefused",
    "discount_context",
    "discount_for",
    "discount_quote",
    "entered_code",
    "normalise_code",
    "register_discount_source",
]
