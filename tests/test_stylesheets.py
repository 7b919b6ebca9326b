"""The site-wide stylesheet holds what many pages share and stays within the house's ~400 lines;
a page's own rules live in its own sheet, which that page links."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import PracticeFactory

CSS = Path(settings.BASE_DIR) / "static" / "css"


def test_the_site_wide_stylesheet_stays_within_400_lines():
    assert len((CSS / "site.css").read_text().splitlines()) <= 400


@pytest.mark.django_db
def test_pages_link_their_own_stylesheets(client):
    practice = PracticeFactory()
    pages = {
        reverse("practices:directory"): "directory.css",
        reverse("payments_coach:earnings"): "earnings.css",
    }
    client.force_login(practice.owner)
    for url, sheet in pages.items():
        assert (CSS / sheet).exists()
        assert f"/static/css/{sheet}" in client.get(url).content.decode()
