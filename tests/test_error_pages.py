"""Error pages as production shows them (DEBUG off): the site's own, in German, not Django's
bare English defaults."""

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.views import defaults

pytestmark = pytest.mark.django_db


def test_an_unknown_address_gets_the_sites_german_404_page(client, settings):
    assert not settings.DEBUG

    response = client.get("/gibt-es-nicht/", HTTP_ACCEPT_LANGUAGE="de")

    html = response.content.decode()
    assert response.status_code == 404
    assert "Seite nicht gefunden" in html
    assert "Coach finden" in html  # the site's header and layout around it
    assert "The requested resource was not found" not in html


@pytest.mark.parametrize(
    ("view", "status", "title"),
    [
        (defaults.bad_request, 400, "Das hat nicht geklappt"),
        (defaults.permission_denied, 403, "Zugriff verweigert"),
    ],
)
def test_400_and_403_use_the_site_layout_in_german(rf: RequestFactory, view, status, title):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    with translation.override("de"):
        response = view(request, exception=Exception("refused"))

    html = response.content.decode()
    assert response.status_code == status
    assert title in html and "Coach finden" in html


def test_the_500_page_renders_without_any_request_context(rf: RequestFactory):
    with translation.override("de"):
        response = defaults.server_error(rf.get("/"))

    html = response.content.decode()
    assert response.status_code == 500
    assert "Etwas ist schiefgelaufen" in html
    assert 'lang="de"' in html and "/static/css/site" in html
