import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from privacy.models import ConsentRecord, DataExport, LegalDocument
from tests.factories import ConsentRecordFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

MODELS = [
    "legaldocument",
    "consentrecord",
    "dataexport",
    "erasurerequest",
    "supportrequest",
    "processor",
]


@pytest.fixture
def staff_client(client):
    staff = StaffFactory()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff)
    return client


@pytest.mark.parametrize("model", MODELS)
def test_changelists_load(staff_client, model):
    user = UserFactory()
    ConsentRecordFactory(user=user, purpose=ConsentRecord.Purpose.TERMS)
    DataExport.objects.create(user=user, language="de")
    response = staff_client.get(reverse(f"admin:privacy_{model}_changelist"), {"q": "x"})
    assert response.status_code == 200


def test_consent_records_are_read_only_in_admin(staff_client):
    record = ConsentRecordFactory(
        purpose=ConsentRecord.Purpose.TERMS, source=ConsentRecord.Source.SIGNUP
    )
    change = reverse("admin:privacy_consentrecord_change", args=[record.pk])
    assert staff_client.post(change, {"granted": ""}).status_code == 403
    delete = reverse("admin:privacy_consentrecord_delete", args=[record.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert ConsentRecord.objects.filter(pk=record.pk, granted=True).exists()


def test_published_document_fields_are_read_only(staff_client):
    document = LegalDocument.objects.filter(kind="privacy").first()
    page = staff_client.get(reverse("admin:privacy_legaldocument_change", args=[document.pk]))
    assert page.status_code == 200
    assert 'name="body"' not in page.content.decode()
