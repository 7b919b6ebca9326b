import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.urls import reverse

from coaching.practices.models import Practice, SessionType, WeeklyHours

pytestmark = pytest.mark.django_db


def _seed():
    call_command("seed_demo", stdout=io.StringIO())


def test_the_demo_seed_is_idempotent():
    _seed()
    counts = (Practice.objects.count(), SessionType.objects.count(), WeeklyHours.objects.count())

    _seed()

    assert (
        Practice.objects.count(),
        SessionType.objects.count(),
        WeeklyHours.objects.count(),
    ) == counts


def test_the_demo_has_a_varied_directory_of_complete_practices():
    _seed()
    published = Practice.objects.filter(is_published=True).annotate(
        active_types=Count("session_types", filter=Q(session_types__is_active=True), distinct=True),
        windows=Count("weekly_hours", distinct=True),
        topics=Count("specialties", distinct=True),
    )

    assert published.count() >= 12
    assert Practice.objects.filter(is_published=False).exists()
    assert Practice.objects.filter(owner__email="coach@demo.sofadoc.de").exists()
    for practice in published:
        assert practice.active_types and practice.windows and practice.topics, practice.slug
        assert practice.photo and practice.photo_thumbnail, practice.slug
    zones = Counter(published.values_list("time_zone", flat=True))
    assert zones.most_common(1)[0][0] == "Europe/Berlin"
    assert len(zones) >= 2
    assert published.values("specialties").distinct().count() >= 6
    assert published.values("languages").distinct().count() >= 4
    prices = SessionType.objects.filter(practice__is_published=True).values_list("price", flat=True)
    assert max(prices) > 2 * min(p for p in prices if p > 0)


def test_the_demo_directory_and_a_practice_page_render(client):
    _seed()
    practice = Practice.objects.filter(is_published=True).order_by("pk").first()

    directory = client.get(reverse("practices:directory"))
    detail = client.get(reverse("practices:detail", args=[practice.slug]))

    assert directory.status_code == 200
    assert directory.context["page"].paginator.count >= 12
    assert detail.status_code == 200
