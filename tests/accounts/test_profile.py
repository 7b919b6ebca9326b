import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def post_profile(client, **overrides):
    data = {"display_name": "Kim", "time_zone": "Asia/Tokyo", "language": "en", "phone": ""}
    data.update(overrides)
    return client.post(reverse("accounts:profile"), data)


def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_profile_saves_name_zone_language_and_normalises_phone(client):
    user = UserFactory()
    client.force_login(user)
    response = post_profile(client, phone="0151 23456789")
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.time_zone, user.language) == ("Kim", "Asia/Tokyo", "en")
    assert user.phone == "+4915123456789"
    # The account's language now drives the interface.
    assert client.get(reverse("accounts:profile")).headers["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "12"),
        ("phone", "not a number"),
        ("time_zone", "Mars/Olympus"),
        ("display_name", ""),
        ("language", "fr"),
    ],
)
def test_profile_rejects_bad_input_with_a_form_error(client, field, value):
    user = UserFactory(display_name="Before")
    client.force_login(user)
    response = post_profile(client, **{field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    user.refresh_from_db()
    assert user.display_name == "Before"
