"""Answers and acceptances are in the client's export, the questionnaire and agreement in the
coach's; the coach's export holds no client's answers; erasure removes them (the canary scan
over the whole database and the files is in tests/privacy/test_erasure_canary.py)."""

import io
import json
import zipfile

import pytest
from django.core.files.storage import storages

from coaching.intake.models import (
    AgreementAcceptance,
    AgreementVersion,
    IntakeAnswer,
    IntakeFormVersion,
)
from privacy.models import DataExport
from privacy.services import account_erase, data_export_build
from tests.intake.helpers import (
    accept_agreement,
    answer_form,
    pdf_bytes,
    publish_agreement,
    publish_form,
)

pytestmark = pytest.mark.django_db


def _export(user) -> zipfile.ZipFile:
    export = DataExport.objects.create(user=user, language="de")
    data_export_build(export=export)
    export.refresh_from_db()
    with storages["private"].open(export.file_name, "rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def test_the_client_exports_answers_and_acceptances_the_coach_their_own_words(
    booking, practice, client_user
):
    answer_form(practice, client_user, publish_form(practice), first_answer="Schlafe schlecht")
    accept_agreement(publish_agreement(practice, text="Mein Vertrag"), client_user)

    archive = _export(client_user)
    answers = json.loads(archive.read("intake.intakeanswer.json"))
    pairs = {(a["question__label"], a["value"]) for a in answers}
    assert ("Was führt Sie zu mir?", "Schlafe schlecht") in pairs and len(pairs) == 4
    [acceptance] = json.loads(archive.read("intake.agreementacceptance.json"))
    assert acceptance["version__number"] == 1 and acceptance["revoked_at"] is None
    assert json.loads(archive.read("intake.agreementversion.json")) == []

    archive = _export(practice.owner)
    assert json.loads(archive.read("intake.intakeanswer.json")) == []
    assert len(json.loads(archive.read("intake.intakequestion.json"))) == 4
    [agreement] = json.loads(archive.read("intake.agreementversion.json"))
    assert agreement["text"] == "Mein Vertrag"


def test_the_client_erased_takes_answers_and_acceptances_the_coach_keeps_the_form(
    booking, practice, client_user, paypal
):
    answer_form(practice, client_user, publish_form(practice))
    accept_agreement(publish_agreement(practice), client_user)
    account_erase(user=client_user)
    assert not IntakeAnswer.objects.exists() and not AgreementAcceptance.objects.exists()
    assert IntakeFormVersion.objects.filter(practice=practice).exists()


def test_the_coach_erased_takes_the_versions_their_pdf_and_what_was_given_to_them(
    booking, practice, client_user, paypal
):
    answer_form(practice, client_user, publish_form(practice))
    from coaching.intake.services import agreement_publish

    version = agreement_publish(practice=practice, actor=practice.owner, pdf=pdf_bytes())
    accept_agreement(version, client_user)
    name = version.pdf.name
    assert storages["private"].exists(name)
    account_erase(user=practice.owner)
    assert not AgreementVersion.objects.exists() and not IntakeAnswer.objects.exists()
    assert not storages["private"].exists(name)
