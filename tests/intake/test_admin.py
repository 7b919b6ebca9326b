"""Staff (with two factors) see who answered or accepted when, never the answers."""

import pytest
from django.urls import reverse

from coaching.intake.models import (
    AgreementAcceptance,
    AgreementVersion,
    IntakeAnswer,
    IntakeFormVersion,
    IntakeQuestion,
    IntakeResponse,
)
from tests.factories import StaffFactory
from tests.intake.helpers import accept_agreement, answer_form, publish_agreement, publish_form

pytestmark = pytest.mark.django_db

SECRET = "Ich nehme Antidepressiva"
MODELS = [
    IntakeFormVersion,
    IntakeQuestion,
    IntakeResponse,
    IntakeAnswer,
    AgreementVersion,
    AgreementAcceptance,
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.model_name)
def test_list_search_and_detail_load_without_the_answers(client, practice, client_user, model):
    answer_form(practice, client_user, publish_form(practice), first_answer=SECRET)
    accept_agreement(publish_agreement(practice), client_user)
    client.force_login(StaffFactory(two_factors=True))
    name = f"admin:intake_{model._meta.model_name}"
    listing = client.get(reverse(f"{name}_changelist"), {"q": "Praxis"})
    assert listing.status_code == 200
    detail = client.get(reverse(f"{name}_change", args=[model.objects.first().pk]))
    assert detail.status_code == 200
    for page in (listing, detail):
        assert SECRET not in page.content.decode()
