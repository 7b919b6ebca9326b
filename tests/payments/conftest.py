import pytest
import responses

from tests.bookings.fixtures import approved_at_paypal

BASE = "https://api-m.sandbox.paypal.com"


@pytest.fixture
def partner_api():
    """PayPal's REST API faked at the HTTP level, with the OAuth token the partner calls fetch;
    each test adds the answers it needs and asserts the requests sent."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(
            responses.POST,
            f"{BASE}/v1/oauth2/token",
            json={"access_token": "A21-partner", "token_type": "Bearer", "expires_in": 32400},
        )
        yield mock


@pytest.fixture
def approved_order(session_type, client_user, paypal, frozen):
    """A held booking whose client approved at PayPal but never came back."""
    return approved_at_paypal(paypal, client=client_user, session_type=session_type)
