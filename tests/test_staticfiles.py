"""The production static files storage works each address out once per process
(sofadoc/staticfiles.py), and what it keeps is the manifest's answer."""

import json

import pytest

from sofadoc.staticfiles import StaticFilesStorage


@pytest.fixture
def storage(tmp_path):
    manifest = {"version": "1.1", "paths": {"css/site.css": "css/site.0123abcd.css"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=tmp_path, base_url="/static/")


def test_an_address_is_the_manifests_and_worked_out_once(storage, monkeypatch):
    worked_out = []
    original = type(storage)._url

    def counted(self, *args, **kwargs):
        worked_out.append(args)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(storage), "_url", counted)

    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
    assert storage.url("css/site.css") == "/static/css/site.0123abcd.css"
    assert len(worked_out) == 1


def test_a_file_missing_from_the_manifest_fails_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/missing.css")
