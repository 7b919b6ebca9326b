"""What onboarding, disputes and reconciliation plug in at start-up (called from
PaymentsConfig.ready): the payment gate of the practices app, and the task module."""

from __future__ import annotations


def connect() -> None:
    from coaching.payments import reconciliation  # noqa: F401 (registers its Celery task)
    from coaching.payments.onboarding import practices_taking_payments
    from coaching.practices.gates import register_payment_gate

    register_payment_gate(practices_taking_payments)
