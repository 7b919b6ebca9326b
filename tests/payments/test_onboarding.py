"""Connecting PayPal: the referral sent, the return leg that trusts nothing, what is shown as
missing, the webhooks for completion and revocation, and the gate on publishing and booking."""

import json
import re
from datetime import timedelta

import pytest
import responses
from django.urls import reverse

from coaching.bookings.services import BookingError, booking_hold
from coaching.notifications.models import Kind, Notification
from coaching.notifications.rendering import notification_render
from coaching.payments.models import MerchantAccount, MerchantStatus
from coaching.payments.onboarding import EVENT_HANDLERS
from coaching.practices.services import PublishBlocked, practice_publish, session_type_save
from tests.bookings.fixtures import TUESDAY_10
from tests.factories import PracticeFactory, SessionTypeFactory, UserFactory

pytestmark = pytest.mark.django_db

BASE = "https://api-m.sandbox.paypal.com"
PARTNER = "PARTNER123"
SCOPES = [
    "https://uri.paypal.com/services/payments/realtimepayment",
    "https://uri.paypal.com/services/payments/refund",
    "https://uri.paypal.com/services/payments/partnerfee",
]


@pytest.fixture(autouse=True)
def _partner(settings):
    settings.PAYPAL_PARTNER_MERCHANT_ID = PARTNER


def _integration(
    mock,
    *,
    tracking_id,
    merchant_id="SELLER42",
    receivable=True,
    email=True,
    scopes=SCOPES,
    echo_tracking=None,
):
    mock.add(
        responses.GET,
        f"{BASE}/v1/customer/partners/{PARTNER}/merchant-integrations",
        match=[responses.matchers.query_param_matcher({"tracking_id": tracking_id})],
        json={"merchant_id": merchant_id, "tracking_id": tracking_id},
    )
    mock.add(
        responses.GET,
        f"{BASE}/v1/customer/partners/{PARTNER}/merchant-integrations/{merchant_id}",
        json={
            "merchant_id": merchant_id,
            "tracking_id": echo_tracking or tracking_id,
            "payments_receivable": receivable,
            "primary_email_confirmed": email,
            "oauth_integrations": [
                {
                    "integration_type": "OAUTH_THIRD_PARTY",
                    "oauth_third_party": [
                        {"partner_client_id": "test-client-id", "scopes": scopes}
                    ],
                }
            ],
        },
    )


@pytest.fixture
def coach_practice():
    """A coach with a paid session type and no PayPal yet."""
    practice = PracticeFactory(merchant=False)
    SessionTypeFactory(practice=practice)
    return practice


def test_connect_creates_a_referral_for_payments_refunds_and_our_fee(
    client, partner_api, coach_practice
):
    partner_api.add(
        responses.POST,
        f"{BASE}/v2/customer/partner-referrals",
        json={
            "links": [
                {"href": f"{BASE}/v2/customer/partner-referrals/ZjQ", "rel": "self"},
                {
                    "href": "https://www.sandbox.paypal.com/bizsignup/partner/entry?referralToken=ZjQ",
                    "rel": "action_url",
                },
            ]
        },
        status=201,
    )
    client.force_login(coach_practice.owner)

    response = client.post(reverse("payments_coach:onboarding"))

    assert response.status_code == 302
    assert response["Location"].startswith("https://www.sandbox.paypal.com/bizsignup/")
    account = MerchantAccount.objects.get(practice=coach_practice)
    assert account.status == MerchantStatus.PENDING
    sent = next(
        c.request for c in partner_api.calls if c.request.url.endswith("/partner-referrals")
    )
    assert sent.headers["Authorization"] == "Bearer A21-partner"
    body = json.loads(sent.body)
    assert body["tracking_id"] == account.tracking_id
    integration = body["operations"][0]["api_integration_preference"]["rest_api_integration"]
    assert integration["third_party_details"]["features"] == ["PAYMENT", "REFUND", "PARTNER_FEE"]
    assert body["partner_config_override"]["return_url"].endswith(
        reverse("payments_coach:onboarding_return")
    )


def test_paypal_unreachable_is_a_503_with_a_message(client, partner_api, coach_practice):
    partner_api.add(responses.POST, f"{BASE}/v2/customer/partner-referrals", status=500)
    client.force_login(coach_practice.owner)

    response = client.post(reverse("payments_coach:onboarding"))

    assert response.status_code == 503
    assert "PayPal" in response.content.decode()


def test_return_reads_the_state_from_paypal_not_from_the_url(client, partner_api, coach_practice):
    account = MerchantAccount.objects.create(practice=coach_practice, provider="paypal")
    _integration(partner_api, tracking_id=account.tracking_id)
    client.force_login(coach_practice.owner)

    # The URL claims another merchant id: ignored, PayPal names the seller for our tracking id.
    response = client.get(
        reverse("payments_coach:onboarding_return"),
        {
            "merchantId": account.tracking_id,
            "merchantIdInPayPal": "FORGED",
            "permissionsGranted": "true",
        },
    )

    assert response.status_code == 302
    account.refresh_from_db()
    assert account.merchant_id == "SELLER42"
    assert account.status == MerchantStatus.ACTIVE and account.can_receive_payments
    assert account.checked_at is not None
    assert not any("FORGED" in c.request.url for c in partner_api.calls)


def test_what_is_missing_is_shown_in_german(client, partner_api, coach_practice):
    account = MerchantAccount.objects.create(practice=coach_practice, provider="paypal")
    _integration(partner_api, tracking_id=account.tracking_id, email=False, scopes=SCOPES[:1])
    client.force_login(coach_practice.owner)

    client.get(reverse("payments_coach:onboarding_return"), {"merchantId": account.tracking_id})
    page = client.get(reverse("payments_coach:onboarding")).content.decode()

    account.refresh_from_db()
    assert account.status == MerchantStatus.PENDING
    assert not account.permissions_granted and not account.primary_email_confirmed
    assert "Bestätigen Sie Ihre E-Mail-Adresse bei PayPal." in page
    assert "Gebühr" in page  # the missing permissions, named


def test_a_forged_return_is_refused_and_changes_nothing(client, partner_api, coach_practice):
    other = PracticeFactory(merchant=False)
    foreign = MerchantAccount.objects.create(practice=other, provider="paypal")
    MerchantAccount.objects.create(practice=coach_practice, provider="paypal")
    client.force_login(coach_practice.owner)

    forged = client.get(reverse("payments_coach:onboarding_return"), {"merchantId": "sd-made-up"})
    foreign_id = client.get(
        reverse("payments_coach:onboarding_return"), {"merchantId": foreign.tracking_id}
    )

    assert forged.status_code == foreign_id.status_code == 400
    assert not [c for c in partner_api.calls if "merchant-integrations" in c.request.url]
    assert MerchantAccount.objects.filter(merchant_id__isnull=False).count() == 0


def test_a_seller_answering_with_another_tracking_id_is_refused(
    client, partner_api, coach_practice
):
    account = MerchantAccount.objects.create(
        practice=coach_practice, provider="paypal", merchant_id="SELLER42"
    )
    _integration(partner_api, tracking_id=account.tracking_id, echo_tracking="sd-someone-else")
    client.force_login(coach_practice.owner)

    response = client.get(
        reverse("payments_coach:onboarding_return"), {"merchantId": account.tracking_id}
    )

    assert response.status_code == 409
    account.refresh_from_db()
    assert account.status == MerchantStatus.NOT_CONNECTED


def test_a_seller_already_connected_elsewhere_is_refused(client, partner_api, coach_practice):
    PracticeFactory()  # connected as MERCH...; make it the seller PayPal names
    taken = MerchantAccount.objects.exclude(practice=coach_practice).get()
    account = MerchantAccount.objects.create(practice=coach_practice, provider="paypal")
    _integration(
        partner_api,
        tracking_id=account.tracking_id,
        merchant_id=taken.merchant_id,
        echo_tracking=account.tracking_id,
    )
    client.force_login(coach_practice.owner)

    response = client.get(
        reverse("payments_coach:onboarding_return"), {"merchantId": account.tracking_id}
    )

    assert response.status_code == 409
    account.refresh_from_db()
    assert account.merchant_id is None


def test_paid_session_types_need_paypal_before_publishing(coach_practice):
    with pytest.raises(PublishBlocked) as blocked:
        practice_publish(practice=coach_practice, actor=coach_practice.owner)
    assert "PayPal verbinden" in blocked.value.missing

    free = PracticeFactory(merchant=False)
    SessionTypeFactory(practice=free, price="0.00")
    practice_publish(practice=free, actor=free.owner)  # free sessions need no PayPal
    free.refresh_from_db()
    assert free.is_published

    paid = SessionTypeFactory.build(practice=free)
    with pytest.raises(Exception, match="PayPal"):
        session_type_save(session_type=paid, actor=free.owner)


def test_the_checklist_shows_the_paypal_step(client, coach_practice):
    client.force_login(coach_practice.owner)

    page = client.get(reverse("practices:setup")).content.decode()

    assert "PayPal verbinden" in page
    assert reverse("payments_coach:onboarding") in page


def _event(event_type, **resource):
    return {"id": "WH-1", "event_type": event_type, "resource": resource}


def test_revocation_stops_paid_bookings_and_tells_the_coach(
    django_capture_on_commit_callbacks, frozen, practice, session_type
):
    account = practice.merchant_account
    client_user = UserFactory()
    start = TUESDAY_10
    booked = booking_hold(
        client=client_user, practice=practice, session_type_id=session_type.pk, start=start
    )

    with django_capture_on_commit_callbacks(execute=True):
        outcome = EVENT_HANDLERS["MERCHANT.PARTNER-CONSENT.REVOKED"](
            _event("MERCHANT.PARTNER-CONSENT.REVOKED", merchant_id=account.merchant_id)
        )

    assert outcome == "revoked"
    account.refresh_from_db()
    assert account.status == MerchantStatus.REVOKED and account.revoked_at
    assert not account.can_receive_payments
    with pytest.raises(BookingError, match="keine Zahlungen"):
        booking_hold(
            client=client_user,
            practice=practice,
            session_type_id=session_type.pk,
            start=start + timedelta(hours=2),
        )
    booked.refresh_from_db()
    assert booked.state == "held"  # what was booked stays
    kinds = Notification.objects.filter(recipient=practice.owner, kind=Kind.MERCHANT_REVOKED)
    assert sorted(kinds.values_list("channel", flat=True)) == ["email", "inbox"]
    rendered = notification_render(kinds.get(channel="email"))
    assert rendered.subject == "PayPal: Ihre Berechtigung für SofaDoc wurde widerrufen"
    assert reverse("payments_coach:onboarding") in rendered.text

    again = EVENT_HANDLERS["MERCHANT.PARTNER-CONSENT.REVOKED"](
        _event("MERCHANT.PARTNER-CONSENT.REVOKED", merchant_id=account.merchant_id)
    )
    assert again == "already revoked"


def test_revocation_for_a_merchant_not_ours_changes_nothing():
    practice = PracticeFactory()

    outcome = EVENT_HANDLERS["MERCHANT.PARTNER-CONSENT.REVOKED"](
        _event("MERCHANT.PARTNER-CONSENT.REVOKED", merchant_id="NOT-OURS")
    )

    assert outcome.startswith("ignored")
    assert practice.merchant_account.status == MerchantStatus.ACTIVE
    practice.merchant_account.refresh_from_db()
    assert practice.merchant_account.status == MerchantStatus.ACTIVE


def test_onboarding_completed_webhook_asks_paypal(partner_api, coach_practice):
    account = MerchantAccount.objects.create(practice=coach_practice, provider="paypal")
    _integration(partner_api, tracking_id=account.tracking_id)

    outcome = EVENT_HANDLERS["MERCHANT.ONBOARDING.COMPLETED"](
        _event(
            "MERCHANT.ONBOARDING.COMPLETED", merchant_id="SELLER42", tracking_id=account.tracking_id
        )
    )

    assert outcome == "refreshed"
    account.refresh_from_db()
    assert account.status == MerchantStatus.ACTIVE and account.merchant_id == "SELLER42"


def test_onboarding_completed_for_a_stranger_is_refused(partner_api):
    outcome = EVENT_HANDLERS["MERCHANT.ONBOARDING.COMPLETED"](
        _event("MERCHANT.ONBOARDING.COMPLETED", merchant_id="STRANGER", tracking_id="sd-nope")
    )

    assert outcome.startswith("ignored")
    assert not [c for c in partner_api.calls if "merchant-integrations" in c.request.url]


def test_the_twin_plays_sign_up_consent_and_revocation(client, settings, coach_practice):
    settings.PAYPAL_MODE = "twin"
    client.force_login(coach_practice.owner)

    to_twin = client.post(reverse("payments_coach:onboarding"))
    signup = client.get(to_twin["Location"])
    back = client.post(to_twin["Location"], {"consent": "on", "email_confirmed": "on"})
    landed = client.get(back["Location"])

    assert signup.status_code == 200 and "Sandbox" in signup.content.decode()
    assert re.search(r"merchantIdInPayPal=TWIN", back["Location"])
    assert landed.status_code == 302
    account = MerchantAccount.objects.get(practice=coach_practice)
    assert account.provider == "twin" and account.can_receive_payments

    client.post(reverse("payments_coach:twin_revoke"))
    account.refresh_from_db()
    assert account.status == MerchantStatus.REVOKED


def test_the_twin_page_is_the_requesters_only(client, settings, coach_practice):
    settings.PAYPAL_MODE = "twin"
    other = PracticeFactory(merchant=False)
    client.force_login(other.owner)
    client.post(reverse("payments_coach:onboarding"))
    foreign = MerchantAccount.objects.create(practice=coach_practice, provider="twin")

    response = client.get(reverse("payments_coach:twin_signup", args=[foreign.tracking_id]))

    assert response.status_code == 404
