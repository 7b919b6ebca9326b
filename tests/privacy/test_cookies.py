import re

import pytest
from django.urls import reverse

from privacy.cookies import CONSENT_COOKIE_NAME
from privacy.models import ConsentRecord
from tests.factories import LegalDocumentFactory, UserFactory

pytestmark = pytest.mark.django_db

GA_ID = "G-TEST123"
ADS_ID = "AW-987654"
GOOGLE = re.compile(r"google|doubleclick", re.I)


@pytest.fixture(autouse=True)
def _tags(settings):
    settings.PRIVACY_GA_MEASUREMENT_ID = GA_ID
    settings.PRIVACY_GOOGLE_ADS_ID = ADS_ID


def choose(client, choice, **extra):
    return client.post(reverse("privacy:cookie_consent"), {"choice": choice, "next": "/", **extra})


def test_first_visit_shows_banner_and_nothing_from_google(client):
    response = client.get("/")
    body = response.content.decode()
    assert 'id="cookie-banner"' in body and "data-cookie-banner>" in body
    assert 'value="accept_all"' in body and 'value="reject_all"' in body
    assert "google-tags.js" not in body
    assert not GOOGLE.search(response["Content-Security-Policy"])
    assert set(response.cookies) <= {"csrftoken"}


def test_reject_all_hides_banner_and_keeps_tags_out(client):
    response = choose(client, "reject_all")
    assert response.status_code == 302 and response.url == "/"
    assert response.cookies[CONSENT_COOKIE_NAME]["httponly"]
    page = client.get("/")
    body = page.content.decode()
    assert "data-cookie-banner hidden" not in body  # attribute order: hidden before data-
    assert "hidden data-cookie-banner" in body
    assert "google-tags.js" not in body
    assert not GOOGLE.search(page["Content-Security-Policy"])
    records = ConsentRecord.objects.all()
    assert {(r.purpose, r.granted) for r in records} == {
        ("cookies_statistics", False),
        ("cookies_marketing", False),
    }
    assert all(r.subject is None and len(r.pseudonym) == 64 for r in records)
    assert records[0].document.kind == "cookies"


def test_accept_all_renders_tags_and_widens_csp_for_google(client):
    choose(client, "accept_all")
    page = client.get("/")
    body = page.content.decode()
    assert f'data-ga-id="{GA_ID}"' in body and f'data-ads-id="{ADS_ID}"' in body
    csp = page["Content-Security-Policy"]
    assert "https://www.googletagmanager.com" in csp
    assert "https://googleads.g.doubleclick.net" in csp


def test_statistics_only(client):
    choose(client, "save", statistics="on")
    page = client.get("/")
    body = page.content.decode()
    assert f'data-ga-id="{GA_ID}"' in body and 'data-ads-id=""' in body
    assert "doubleclick" not in page["Content-Security-Policy"]


def test_global_privacy_control_refuses_marketing(client):
    response = client.post(
        reverse("privacy:cookie_consent"), {"choice": "accept_all"}, HTTP_SEC_GPC="1"
    )
    assert response.status_code == 302
    marketing = ConsentRecord.objects.get(purpose="cookies_marketing")
    assert marketing.granted is False
    assert 'data-ads-id=""' in client.get("/").content.decode()


def test_gpc_form_field_from_script_counts_too(client):
    choose(client, "accept_all", gpc="1")
    assert not ConsentRecord.objects.get(purpose="cookies_marketing").granted


def test_no_ids_configured_means_no_tags(client, settings):
    settings.PRIVACY_GA_MEASUREMENT_ID = ""
    settings.PRIVACY_GOOGLE_ADS_ID = ""
    choose(client, "accept_all")
    page = client.get("/")
    assert "google-tags.js" not in page.content.decode()
    assert not GOOGLE.search(page["Content-Security-Policy"])


def test_withdrawal_removes_google_cookies(client):
    choose(client, "accept_all")
    client.cookies["_ga"] = "GA1.1.123"
    client.cookies["_ga_TEST123"] = "GS1.1"
    client.cookies["_gcl_au"] = "1.1.1"
    response = choose(client, "reject_all")
    for name in ["_ga", "_ga_TEST123", "_gcl_au"]:
        assert response.cookies[name]["max-age"] == 0
    assert "google-tags.js" not in client.get("/").content.decode()
    # Same browser, same pseudonym: the withdrawal is provably linked to the consent.
    assert ConsentRecord.objects.values("pseudonym").distinct().count() == 1


def test_new_cookie_policy_version_brings_the_banner_back(client):
    choose(client, "accept_all")
    assert "hidden data-cookie-banner" in client.get("/").content.decode()
    LegalDocumentFactory(kind="cookies", language="de", version=2)
    body = client.get("/").content.decode()
    assert "hidden data-cookie-banner" not in body
    assert "google-tags.js" not in body


def test_signed_in_choice_is_linked_to_the_person(client):
    user = UserFactory()
    client.force_login(user)
    choose(client, "save", statistics="on")
    assert ConsentRecord.objects.filter(subject=user, purpose="cookies_statistics").get().granted


@pytest.mark.parametrize("choice", ["", "everything", "accept"])
def test_unknown_choice_is_400(client, choice):
    assert choose(client, choice).status_code == 400


def test_get_is_not_allowed(client):
    assert client.get(reverse("privacy:cookie_consent")).status_code == 405


def test_foreign_next_is_ignored(client):
    response = client.post(
        reverse("privacy:cookie_consent"), {"choice": "reject_all", "next": "https://evil.example/"}
    )
    assert response.url == reverse("privacy:cookies")


def test_a_completed_signup_counts_as_an_ads_conversion_only_with_marketing_consent(
    client, settings
):
    settings.PRIVACY_GOOGLE_ADS_SIGNUP_LABEL = "SignUpLabel"
    page = reverse("account_email_verification_sent")

    choose(client, "save", statistics="on")
    assert 'data-conversion=""' in client.get(page).content.decode()
    assert 'data-conversion=""' in client.get("/").content.decode()

    choose(client, "accept_all")
    assert f'data-conversion="{ADS_ID}/SignUpLabel"' in client.get(page).content.decode()
    assert 'data-conversion=""' in client.get("/").content.decode()  # only after signing up


@pytest.mark.parametrize("path", ["/", "/coaches/", "/coaches/anna/"])
def test_a_new_cookie_policy_version_reaches_pages_from_the_visitor_cache(client, path, practice):
    """The cached page of an old version (no banner, tag loader) is never served for a new one:
    the version is part of the page key."""
    choose(client, "accept_all")
    for _ in range(2):  # the second view comes from the page cache
        body = client.get(path).content.decode()
        assert "hidden data-cookie-banner" in body and "google-tags.js" in body
    LegalDocumentFactory(kind="cookies", language="de", version=2)
    body = client.get(path).content.decode()
    assert "hidden data-cookie-banner" not in body
    assert "google-tags.js" not in body


def test_the_cookie_list_states_what_the_site_really_sets(client, settings):
    from privacy.cookies import ADS_COOKIE_MAX_AGE, COOKIES, GA_COOKIE_MAX_AGE

    declared = {c.name: c.max_age for c in COOKIES}
    client.get("/")
    response = choose(client, "accept_all")
    assert int(response.cookies[CONSENT_COOKIE_NAME]["max-age"]) == declared[CONSENT_COOKIE_NAME]
    response = client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    language = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert int(language["max-age"]) == declared[settings.LANGUAGE_COOKIE_NAME]
    page = client.get("/").content.decode()
    csrf = client.cookies[settings.CSRF_COOKIE_NAME]
    assert int(csrf["max-age"]) == declared[settings.CSRF_COOKIE_NAME]
    # The policy: the Ads conversion cookie expires after 30 days; gtag is told so.
    assert declared["_gcl_au"] == ADS_COOKIE_MAX_AGE == 30 * 24 * 60 * 60
    assert f'data-ads-cookie-max-age="{ADS_COOKIE_MAX_AGE}"' in page
    assert f'data-ga-cookie-max-age="{GA_COOKIE_MAX_AGE}"' in page
    script = (settings.BASE_DIR / "static" / "js" / "google-tags.js").read_text()
    assert "cookie_expires: maxAge[id]" in script
    listing = client.get(reverse("privacy:cookies")).content.decode()
    assert "30 days" in listing and "90" not in listing.split("_gcl_au")[1][:300]


def test_the_banner_decision_follows_the_button_the_categories_and_gpc():
    from privacy.cookies import CookieChoice, cookie_choice_decide

    before = CookieChoice(token="abc123")

    def decide(choice, chosen=(), gpc=False):
        return cookie_choice_decide(
            choice=choice, chosen=chosen, gpc=gpc, previous=before, version=7
        )

    assert decide("accept_all") == CookieChoice(True, True, True, 7, "abc123")
    assert decide("reject_all", chosen=["statistics", "marketing"]) == CookieChoice(
        True, False, False, 7, "abc123"
    )
    assert decide("save", chosen=["statistics"]) == CookieChoice(True, True, False, 7, "abc123")
    # Global Privacy Control objects to marketing whatever was clicked; statistics stay.
    assert decide("accept_all", gpc=True) == CookieChoice(True, True, False, 7, "abc123")
    assert decide("everything") is None
    fresh = cookie_choice_decide(
        choice="save", chosen=[], gpc=False, previous=CookieChoice(), version=7
    )
    assert fresh is not None and len(fresh.token) == 32 and fresh.token.isalnum()
