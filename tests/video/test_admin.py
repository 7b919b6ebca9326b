"""Video's admin: rooms and participant events are read-only records."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["videoroom", "participantevent"])
def test_video_models_are_read_only_in_the_admin(staff_client, model):
    assert staff_client.get(reverse(f"admin:video_{model}_changelist")).status_code == 200
    assert staff_client.get(reverse(f"admin:video_{model}_add")).status_code == 403
