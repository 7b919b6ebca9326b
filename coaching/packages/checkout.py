"""What the package and series pages share: sending a purchase to PayPal, and the page for a
request we refuse (bookings' problem page, with a way back)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise

from coaching.payments.models import Purchase
from coaching.payments.providers import PaymentError, approval_locale
from coaching.payments.services import PaymentRefused, payment_start


def problem(
    request: HttpRequest, message: str | Promise, *, status: int, back: str | None = None
) -> HttpResponse:
    return render(
        request, "bookings/problem.html", {"message": message, "back": back}, status=status
    )


def checkout_redirect(
    request: HttpRequest, *, purchase: Purchase, reference: str, url_stem: str, back: str
) -> HttpResponse:
    """Start the PayPal order for `purchase` and send the client there to approve it; the
    return and cancel addresses are `packages:<url_stem>_return` / `_cancel` of `reference`."""
    try:
        with transaction.atomic(durable=True):
            payment = payment_start(
                purchase=purchase,
                return_url=request.build_absolute_uri(
                    reverse(f"packages:{url_stem}_return", args=[reference])
                ),
                cancel_url=request.build_absolute_uri(
                    reverse(f"packages:{url_stem}_cancel", args=[reference])
                ),
                locale=approval_locale(),
            )
    except PaymentRefused as error:
        return problem(request, error.message, status=409, back=back)
    except PaymentError as error:
        return problem(request, error.message, status=503 if error.retry else 409, back=back)
    return redirect(payment.approve_url)
