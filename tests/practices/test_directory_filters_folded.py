"""On phones the directory's filters fold away behind the search box; an active filter keeps them
open and is counted on the fold."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def folded_section(html: str) -> str:
    match = re.search(r"<details class=\"filters-more\"[^>]*>.*?</details>", html, re.S)
    assert match, "the filters are not folded into a <details> section"
    return match.group(0)


def test_without_filters_only_the_search_box_is_outside_the_fold(client):
    html = client.get(reverse("practices:directory"), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    section = folded_section(html)
    assert "data-open-wide" in section and " open" not in section.split(">")[0]
    assert "Filter und Sortierung" in section
    assert 'name="q"' not in section and 'name="q"' in html
    for name in ("specialty", "language", "max_price", "free7", "sort"):
        assert f'name="{name}"' in section


def test_active_filters_open_the_fold_and_are_counted(client):
    html = client.get(
        reverse("practices:directory"),
        {"language": "fr", "free7": "on", "sort": "price"},
        HTTP_ACCEPT_LANGUAGE="de",
    ).content.decode()
    opening = folded_section(html).split(">")[0]
    assert " open" in opening
    assert "Filter (2 aktiv)" in html  # sorting narrows nothing, so it is not counted
