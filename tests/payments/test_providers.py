"""Choosing the payment provider (coaching/payments/providers/__init__.py): PayPal, or the twin
only where it is allowed."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from coaching.payments import providers

pytestmark = pytest.mark.django_db


def test_the_paypal_twin_cannot_run_in_production_by_accident(settings):
    settings.PAYPAL_MODE, settings.DEBUG, settings.PAYPAL_TWIN_ALLOWED = "twin", False, False
    with pytest.raises(ImproperlyConfigured):
        providers.default_provider()
    # A payment made through the twin (the demo's) is still refunded through it, never at PayPal.
    assert providers.provider_for("twin").name == "twin"
    settings.PAYPAL_TWIN_ALLOWED = True
    assert providers.default_provider().name == "twin"
