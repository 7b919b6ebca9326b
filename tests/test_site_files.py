"""Files browsers ask for at the site root."""

import json

import pytest


@pytest.mark.django_db
def test_favicon_ico_is_served_as_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    response.close()
    assert body[:4] == b"\x00\x00\x01\x00"  # the ICO header


@pytest.mark.django_db
def test_web_app_manifest_names_the_site_and_its_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    manifest = json.loads(b"".join(response.streaming_content))
    response.close()
    assert manifest["name"] == "SofaDoc"
    assert {icon["sizes"] for icon in manifest["icons"]} >= {"192x192", "512x512"}
    for icon in manifest["icons"]:
        icon_response = client.get(icon["src"])
        assert icon_response.status_code == 200, icon["src"]
        icon_response.close()


@pytest.mark.django_db
def test_pages_link_the_manifest(client):
    assert b'rel="manifest"' in client.get("/").content
