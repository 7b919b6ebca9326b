"""What onboarding, disputes and reconciliation plug in at start-up (called from
PaymentsConfig.ready): the payment gate of the practices app, the webhook handlers, and the
task module."""

from __future__ import annotations


def connect() -> None:
    from coaching.payments import (
        disputes,
        onboarding,
        reconciliation,  # noqa: F401 (registers its Celery task)
    )
    from coaching.practices.gates import register_payment_gate

    register_payment_gate(onboarding.practices_taking_payments)
    from coaching.payments.webhooks import register_event_handler

    for event_type, handler in {**onboarding.EVENT_HANDLERS, **disputes.EVENT_HANDLERS}.items():
        register_event_handler(event_type, handler)
