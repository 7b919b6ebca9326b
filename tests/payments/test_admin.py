"""Staff act on onboarding and reconciliation through services, from the read-only admin."""

from datetime import date

import pytest
import responses
from django.urls import reverse

from coaching.payments.models import MerchantStatus, ReconciliationDifference
from tests.factories import PracticeFactory
from tests.payments.conftest import BASE

pytestmark = pytest.mark.django_db


def test_staff_mark_a_difference_explained_once(staff_client):
    difference = ReconciliationDifference.objects.create(
        day=date(2026, 11, 3), provider_reference="CAP-1", description="M: amount differs"
    )
    url = reverse("admin:payments_reconciliationdifference_changelist")
    action = {"action": "mark_explained", "_selected_action": [difference.pk]}

    response = staff_client.post(url, action)
    difference.refresh_from_db()
    first = (difference.resolved_at, difference.resolution)
    staff_client.post(url, action)
    difference.refresh_from_db()

    assert response.status_code == 302
    assert first[0] is not None and first[1].startswith("explained (")
    assert (difference.resolved_at, difference.resolution) == first


def test_staff_ask_paypal_for_a_merchants_state(staff_client, partner_api, settings):
    settings.PAYPAL_PARTNER_MERCHANT_ID = "PARTNER123"
    practice = PracticeFactory()
    account = practice.merchant_account
    partner_api.add(
        responses.GET,
        f"{BASE}/v1/customer/partners/PARTNER123/merchant-integrations/{account.merchant_id}",
        json={
            "merchant_id": account.merchant_id,
            "tracking_id": account.tracking_id,
            "payments_receivable": False,
            "primary_email_confirmed": True,
            "oauth_integrations": [],
        },
    )

    staff_client.post(
        reverse("admin:payments_merchantaccount_changelist"),
        {"action": "check_at_paypal", "_selected_action": [account.pk]},
    )

    account.refresh_from_db()
    assert account.status == MerchantStatus.PENDING
    assert not account.payments_receivable and not account.permissions_granted
