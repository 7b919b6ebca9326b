"""Reads about payments for the pages of the apps that sell things."""

from __future__ import annotations

from django.db.models import QuerySet

from coaching.payments.models import Payment, Refund


def payments_for_purchase(purchase_id: int | None) -> QuerySet[Payment]:
    if purchase_id is None:
        return Payment.objects.none()
    return Payment.objects.filter(purchase_id=purchase_id)


def refunds_for_purchase(purchase_id: int | None) -> QuerySet[Refund]:
    if purchase_id is None:
        return Refund.objects.none()
    return Refund.objects.filter(payment__purchase_id=purchase_id)
