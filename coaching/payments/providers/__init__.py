"""Payment providers behind one interface (base.Provider): PayPal and its local twin.

`default_provider()` is the one new payments start with (settings.PAYPAL_MODE);
`provider_for(payment.provider)` finds the one an existing payment was made with.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from coaching.payments.providers.base import (
    Capture,
    Order,
    OrderSpec,
    PaymentError,
    Provider,
    RefundResult,
    RefundSpec,
    VerifierUnavailable,
)

# Where an order's approve link sends the browser. The booking form's POST is answered with a
# redirect there, and browsers check such redirects against the page's CSP form-action.
APPROVAL_ORIGINS = {
    "sandbox": "https://www.sandbox.paypal.com",
    "live": "https://www.paypal.com",
}


if TYPE_CHECKING:
    from coaching.payments.providers.twin import TwinProvider


def approval_origins() -> list[str]:
    """Origins outside this site that the approval step lives on (none for the twin)."""
    origin = APPROVAL_ORIGINS.get(settings.PAYPAL_MODE)
    return [origin] if origin else []


def approval_locale() -> str:
    """The language of PayPal's approval page: the client's own (German or English), for a
    buyer in Germany."""
    return "de-DE" if translation.get_language() == "de" else "en-DE"


def twin_provider() -> TwinProvider:
    """The local PayPal stand-in, with what only it has (its approval page's steps)."""
    from coaching.payments.providers.twin import TwinProvider

    return TwinProvider()


def provider_for(name: str) -> Provider:
    """The provider called `name`: the one a payment was made with (`Payment.provider`), or one
    that code names on purpose (the demo seed pays through the twin). Configuration choosing the
    twin for real clients is guarded in default_provider()."""
    if name == "twin":
        from coaching.payments.providers.twin import TwinProvider

        return TwinProvider()
    if name == "paypal":
        if settings.PAYPAL_MODE not in ("sandbox", "live"):
            raise ImproperlyConfigured("A PayPal payment needs PAYPAL_MODE sandbox or live.")
        from coaching.payments.providers.paypal import PayPalProvider

        return PayPalProvider(
            client_id=settings.PAYPAL_CLIENT_ID,
            client_secret=settings.PAYPAL_CLIENT_SECRET,
            live=settings.PAYPAL_MODE == "live",
        )
    raise ImproperlyConfigured(f"Unknown payment provider {name!r}.")


def default_provider() -> Provider:
    """The provider new payments of clients start with (PAYPAL_MODE). The twin takes no money:
    outside DEBUG it runs only when explicitly allowed (staging demos)."""
    mode = settings.PAYPAL_MODE
    if mode == "twin":
        if not (settings.DEBUG or settings.PAYPAL_TWIN_ALLOWED):
            raise ImproperlyConfigured(
                "PAYPAL_MODE=twin (the local PayPal stand-in) needs DEBUG or PAYPAL_TWIN_ALLOWED=1."
            )
        return provider_for("twin")
    if mode in ("sandbox", "live"):
        return provider_for("paypal")
    raise ImproperlyConfigured(f"Unknown PAYPAL_MODE {mode!r}: use twin, sandbox or live.")


__all__ = [
    "Capture",
    "Order",
    "OrderSpec",
    "PaymentError",
    "Provider",
    "RefundResult",
    "RefundSpec",
    "VerifierUnavailable",
    "approval_locale",
    "approval_origins",
    "default_provider",
    "provider_for",
    "twin_provider",
]
