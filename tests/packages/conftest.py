from decimal import Decimal

import pytest

from coaching.packages.models import ExpiryRule, Package
from coaching.packages.services import client_package_start
from coaching.payments.services import payment_capture, payment_start


@pytest.fixture
def package(practice, session_type):
    """Five sessions of the 80 € type for 350 € (70 € each), six months, refunded pro rata."""
    return Package.objects.create(
        practice=practice,
        session_type=session_type,
        name="Fünferkarte",
        sessions=5,
        price=Decimal("350.00"),
        validity_days=180,
        expiry_rule=ExpiryRule.REFUND,
    )


def bought(paypal, *, package, client):
    """The client buys `package` through the PayPal fake; returns the active client package."""
    client_package = client_package_start(
        package_id=package.pk, practice=package.practice, client=client
    )
    payment = payment_start(
        purchase=client_package.purchase,
        return_url="https://x/r",
        cancel_url="https://x/c",
        locale="de-DE",
    )
    paypal.approve(payment.order_id)
    payment_capture(order_id=payment.order_id, actor=client)
    client_package.refresh_from_db()
    return client_package


@pytest.fixture
def client_package(paypal, frozen, package, client_user):
    return bought(paypal, package=package, client=client_user)


@pytest.fixture(autouse=True)
def _english():
    """Refusals are matched by their English words."""
    from django.utils import translation

    with translation.override("en"):
        yield
