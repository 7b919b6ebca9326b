"""Every consent has a visible end: a withdrawal row under the grant's pseudonym and version."""

import pytest
from django.urls import reverse

from coaching.notifications.news import news_confirm, news_request, news_unsubscribe
from coaching.notifications.preferences import preferences_update
from privacy.models import ConsentRecord
from privacy.pseudonyms import user_pseudonym
from privacy.services import consent_withdraw, cookie_choice_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _rows(user, purpose):
    return list(
        ConsentRecord.objects.filter(subject=user, purpose=purpose).order_by("created_at", "pk")
    )


def test_unsubscribing_from_news_writes_a_withdrawal_of_that_grant():
    user = UserFactory()
    news_request(user=user)
    news_confirm(user=user)
    news_unsubscribe(user=user)
    news_unsubscribe(user=user)  # twice: nothing more to end

    grant, withdrawal = _rows(user, "email_news")
    assert grant.granted and not withdrawal.granted
    assert withdrawal.pseudonym == grant.pseudonym == user_pseudonym(user.pk)
    assert withdrawal.document_id == grant.document_id and withdrawal.source == "news"


def test_switching_open_tracking_off_in_the_settings_ends_the_consent():
    user = UserFactory()
    preferences_update(user=user, open_tracking=True)
    preferences_update(user=user, open_tracking=False)
    grant, withdrawal = _rows(user, "email_open_tracking")
    assert (grant.granted, withdrawal.granted, withdrawal.source) == (True, False, "settings")


def test_a_withdrawal_copies_the_version_of_the_grant_not_the_current_one():
    from privacy.models import LegalDocument

    user = UserFactory()  # accepted terms v1 at signup
    v1 = ConsentRecord.objects.get(subject=user, purpose="terms").document
    LegalDocument.objects.create(
        kind="terms",
        language="de",
        version=v1.version + 1,
        title="AGB",
        body="neu",
        published_at=v1.published_at,
    )
    (ended,) = consent_withdraw(user=user, source="erasure", purposes=["terms"])
    assert ended.document == v1 and not ended.granted


def test_the_overview_shows_what_is_in_force_and_what_was_withdrawn(client):
    user = UserFactory()
    cookie_choice_record(statistics=True, marketing=True, token="t1", user=user)
    cookie_choice_record(statistics=True, marketing=False, token="t1", user=user)
    client.force_login(user)
    page = client.get(reverse("privacy:consents")).content.decode()
    in_force = page.split("Geltende Einwilligungen")[1].split("</section>")[0]
    assert "Statistik-Cookies" in in_force and "Marketing-Cookies" not in in_force
    assert "widerrufen" in page


def test_the_admin_filters_consents_in_force(staff_client):
    user = UserFactory()
    cookie_choice_record(statistics=True, marketing=True, token="t2", user=user)
    cookie_choice_record(statistics=False, marketing=True, token="t2", user=user)
    url = reverse("admin:privacy_consentrecord_changelist")
    listing = staff_client.get(url, {"in_force": "yes", "subject__id__exact": user.pk})
    shown = {r.purpose for r in listing.context["cl"].result_list}
    assert "cookies_marketing" in shown and "cookies_statistics" not in shown
