"""The admin's index names every section in German, each once."""

import re
from collections import Counter

import pytest
from django.utils import translation


@pytest.mark.django_db
def test_admin_index_names_third_party_sections_in_german_and_each_once(staff_client):
    with translation.override("de"):
        response = staff_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 200
    page = response.content.decode()
    captions = re.findall(r'<caption>\s*<a [^>]*class="section"[^>]*>([^<]+)</a>', page)
    assert captions, "no sections found on the admin index"
    assert [name for name, count in Counter(captions).items() if count > 1] == []
    for english in ("MFA", "Authenticators", "User sessions", "Usersessions"):
        assert english not in captions
        assert f">{english}<" not in page
    assert "Zwei-Faktor-Authentifizierung" in captions
    assert "Angemeldete Geräte" in page
