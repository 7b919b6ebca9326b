"""The data export gives each party the relationship's messages, tasks and files (with their
contents); the coach gets their notes in full, the client only that notes exist (the rule in
coaching/clients/privacy.py). Erasure of either party removes all of it, stored files too."""

import io
import json
import zipfile

import pytest
from django.core.files.storage import storages

from coaching.clients.models import Message, PrivateNote, Relationship, SharedFile
from privacy.services import account_erase, data_export_request
from privacy.tasks import build_data_export
from tests.clients.people import fill_relationship

pytestmark = pytest.mark.django_db

TEXT = "Quokka-Übung 7"


def _export(user) -> dict[str, bytes]:
    export = data_export_request(user=user)
    build_data_export.apply(args=[export.pk])
    export.refresh_from_db()
    with storages["private"].open(export.file_name, "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    return {name: archive.read(name) for name in archive.namelist()}


def test_the_export_of_each_side(relationship, coach, client_user):
    fill_relationship(relationship, TEXT)
    for user in (client_user, coach):
        files = _export(user)
        messages = json.loads(files["clients.message.json"])
        assert {m["text"] for m in messages} == {TEXT}
        assert len(messages) == 2
        assert json.loads(files["clients.task.json"])[0]["answer"] == TEXT
        stored = [n for n in files if n.startswith("files/clients.sharedfile/")]
        assert len(stored) == 2
        assert all(TEXT.encode() in files[n] for n in stored)
    coach_files = _export(coach)
    assert json.loads(coach_files["clients.privatenote.json"])[0]["text"] == f"Notiz: {TEXT}"
    client_files = _export(client_user)
    listed = json.loads(client_files["clients.noteforclient.json"])
    assert len(listed) == 1 and "text" not in listed[0]
    assert json.loads(client_files["clients.privatenote.json"]) == []
    assert not any(b"Notiz:" in data for data in client_files.values())


@pytest.mark.parametrize("who", ["client", "coach"])
def test_erasing_either_side_removes_the_relationship_and_its_files(
    relationship, coach, client_user, who, django_capture_on_commit_callbacks
):
    fill_relationship(relationship, TEXT)
    names = list(SharedFile.objects.values_list("file", flat=True))
    assert all(storages["private"].exists(n) for n in names)
    with django_capture_on_commit_callbacks(execute=True):
        account_erase(user=client_user if who == "client" else coach)
    for model in (Relationship, Message, PrivateNote, SharedFile):
        assert model.objects.count() == 0, model
    assert not any(storages["private"].exists(n) for n in names)
