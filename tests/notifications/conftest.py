import pytest
import responses
from allauth.mfa.models import Authenticator

# The bookings fixtures (practice, session_type, client_user, paypal, frozen) are a plugin of
# the root conftest; only the constants are imported.
from tests.bookings.fixtures import NOW, TUESDAY_10  # noqa: F401
from tests.factories import StaffFactory

TWILIO_SID = "AC00000000000000000000000000000000"
TWILIO_URL = f"https://api.twilio.com/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"


def use_twilio(settings) -> None:
    """SMS through Twilio (the real client) with a test account."""
    settings.SMS_MODE = "twilio"
    settings.TWILIO_ACCOUNT_SID = TWILIO_SID
    settings.TWILIO_AUTH_TOKEN = "test-auth-token"
    settings.TWILIO_SMS_FROM = "+4915700000000"
    settings.TWILIO_MESSAGING_SERVICE_SID = ""


@pytest.fixture
def twilio(settings):
    """Twilio's REST API faked at the HTTP level: the real `twilio` client code runs."""
    use_twilio(settings)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(
            responses.POST,
            TWILIO_URL,
            json={"sid": "SM" + "1" * 32, "status": "queued", "account_sid": TWILIO_SID},
            status=201,
        )
        yield mock


@pytest.fixture
def admin_client(client):
    """Staff in the admin (which asks for a second factor first)."""
    staff = StaffFactory()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff)
    return client
