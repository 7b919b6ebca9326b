from datetime import time

import pytest
from django.urls import reverse

from coaching.practices.models import Practice
from coaching.practices.services import practice_update
from tests.factories import PracticeFactory, SessionTypeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "model",
    [
        "practice",
        "sessiontype",
        "weeklyhours",
        "timeoff",
        "specialty",
        "language",
        "practiceslugredirect",
    ],
)
def test_every_practices_model_has_a_working_admin(staff_client, model):
    SessionTypeFactory()
    changelist = reverse(f"admin:practices_{model}_changelist")

    assert staff_client.get(changelist).status_code == 200
    assert staff_client.get(changelist, {"q": "praxis"}).status_code == 200


def test_practice_change_form_with_inlines(staff_client):
    practice = PracticeFactory()
    SessionTypeFactory(practice=practice)

    response = staff_client.get(reverse("admin:practices_practice_change", args=[practice.pk]))

    assert response.status_code == 200
    assert b"Coaching-Sitzung" in response.content


def test_staff_publish_action_refuses_incomplete_practices(staff_client):
    complete = PracticeFactory()
    SessionTypeFactory(practice=complete)
    incomplete = PracticeFactory()

    staff_client.post(
        reverse("admin:practices_practice_changelist"),
        {"action": "publish", "_selected_action": [complete.pk, incomplete.pk]},
    )

    complete.refresh_from_db()
    incomplete.refresh_from_db()
    assert complete.is_published and not incomplete.is_published


def _change_form_data(response, **changes):
    """Everything the rendered change form would post back, with `changes` applied."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(
            {f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()}
        )
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = value
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_slug_changed_in_the_admin_keeps_redirecting(staff_client):
    practice = PracticeFactory(slug="vorher", headline="Gelassen durch den Alltag")
    url = reverse("admin:practices_practice_change", args=[practice.pk])

    response = staff_client.post(url, _change_form_data(staff_client.get(url), slug="nachher"))

    assert response.status_code == 302, response.context["adminform"].form.errors
    practice.refresh_from_db()
    assert practice.slug == "nachher"
    assert practice.slug_redirects.filter(slug="vorher").exists()


def test_overlapping_hours_are_refused_in_the_admin_too(staff_client):
    practice = PracticeFactory(hours=[(0, 9, 12), (0, 14, 18)])
    url = reverse("admin:practices_practice_change", args=[practice.pk])
    data = _change_form_data(staff_client.get(url))
    data["weekly_hours-1-start_time"] = "11:00"

    response = staff_client.post(url, data)

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][1].formset.non_form_errors()
    assert "09:00–12:00 und 11:00–18:00" in str(errors)
    assert set(practice.weekly_hours.values_list("start_time", flat=True)) == {
        time(9),
        time(14),
    }


def test_photos_and_publishing_are_not_editable_in_the_admin(staff_client):
    practice = PracticeFactory()
    response = staff_client.get(reverse("admin:practices_practice_change", args=[practice.pk]))

    fields = response.context["adminform"].form.fields
    assert "photo" not in fields and "is_published" not in fields


def test_renaming_a_specialty_in_the_admin_reindexes_its_practices(staff_client):
    practice = PracticeFactory(bio="", headline="")
    specialty = practice.specialties.get()
    practice_update(practice=practice, actor=practice.owner, fields={})  # index once

    response = staff_client.post(
        reverse("admin:practices_specialty_change", args=[specialty.pk]),
        {"slug": specialty.slug, "name_de": "Achtsamkeit", "name_en": "Mindfulness", "position": 0},
    )

    assert response.status_code == 302
    assert Practice.objects.filter(search_document="achtsam", pk=practice.pk).exists()
