import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from tests.factories import PracticeFactory, SessionTypeFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    staff = StaffFactory()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff)
    return client


@pytest.mark.parametrize(
    "model",
    [
        "practice",
        "sessiontype",
        "weeklyhours",
        "timeoff",
        "specialty",
        "language",
        "practiceslugredirect",
    ],
)
def test_every_practices_model_has_a_working_admin(admin_client, model):
    SessionTypeFactory()
    changelist = reverse(f"admin:practices_{model}_changelist")

    assert admin_client.get(changelist).status_code == 200
    assert admin_client.get(changelist, {"q": "praxis"}).status_code == 200


def test_practice_change_form_with_inlines(admin_client):
    practice = PracticeFactory()
    SessionTypeFactory(practice=practice)

    response = admin_client.get(reverse("admin:practices_practice_change", args=[practice.pk]))

    assert response.status_code == 200
    assert b"Coaching-Sitzung" in response.content


def test_staff_publish_action_refuses_incomplete_practices(admin_client):
    complete = PracticeFactory()
    SessionTypeFactory(practice=complete)
    incomplete = PracticeFactory()

    admin_client.post(
        reverse("admin:practices_practice_changelist"),
        {"action": "publish", "_selected_action": [complete.pk, incomplete.pk]},
    )

    complete.refresh_from_db()
    incomplete.refresh_from_db()
    assert complete.is_published and not incomplete.is_published
