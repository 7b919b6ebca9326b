"""What the privacy registry exports of a coach's practice (coaching/practices/privacy.py)."""

import json
from datetime import date

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from coaching.practices.models import BOOKING_RULE_FIELDS
from coaching.practices.services import practice_update
from privacy.registry import personal_data
from tests.factories import PracticeFactory, UserFactory

pytestmark = pytest.mark.django_db


def practices_export(user) -> dict[str, list[dict]]:
    return {
        declaration.model_label: list(declaration.rows(user).values(*declaration.export_fields()))
        for declaration in personal_data()
        if declaration.model_label.startswith("practices.")
    }


def test_the_export_holds_the_whole_profile_and_is_json():
    practice = PracticeFactory(bio="Über mich", billing_name="Erika Muster")
    practice.time_off.create(first_day=date(2026, 8, 1), last_day=date(2026, 8, 2), note="Urlaub")
    previous = practice.slug
    practice_update(practice=practice, actor=practice.owner, fields={"slug": "neue-adresse"})

    data = practices_export(practice.owner)

    assert json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    [profile] = data["practices.Practice"]
    assert profile["bio"] == "Über mich" and profile["billing_name"] == "Erika Muster"
    assert profile["slug"] == "neue-adresse"
    assert [row["slug"] for row in data["practices.PracticeSlugRedirect"]] == [previous]
    assert set(BOOKING_RULE_FIELDS) <= profile.keys()
    [time_off] = data["practices.TimeOff"]
    assert (time_off["first_day"], time_off["last_day"], time_off["note"]) == (
        date(2026, 8, 1),
        date(2026, 8, 2),
        "Urlaub",
    )
    assert data["practices.WeeklyHours"]  # Mon-Fri from the factory
    assert not any(practices_export(UserFactory()).values())
