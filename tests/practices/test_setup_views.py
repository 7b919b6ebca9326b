"""The coach's setup pages: ownership, the checklist, and clear errors for bad input."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coaching.practices.models import Practice, SessionType
from tests.factories import PracticeFactory, SessionTypeFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_setup_pages_need_a_login(client):
    response = client.get(reverse("practices:setup"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_person_without_practice_is_sent_to_start_one(client):
    user = UserFactory(time_zone="Europe/Vienna", language="en")
    client.force_login(user)

    assert client.get(reverse("practices:setup")).url == reverse("practices:start")
    response = client.post(
        reverse("practices:start"),
        {"name": "Praxis Fröhlich & Söhne", "slug": "", "time_zone": "Europe/Vienna"},
    )

    assert response.status_code == 302
    practice = Practice.objects.get(owner=user)
    assert practice.slug == "praxis-frohlich-sohne"
    assert not practice.is_published


def test_start_refuses_a_taken_or_reserved_address(client):
    PracticeFactory(slug="beliebt")
    client.force_login(UserFactory())

    for slug in ("beliebt", "book"):
        response = client.post(
            reverse("practices:start"),
            {"name": "Neu", "slug": slug, "time_zone": "Europe/Berlin"},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["slug"]


def test_checklist_shows_what_is_missing(coach_client):
    response = coach_client.get(reverse("practices:setup"))

    assert response.status_code == 200
    missing = [str(step.title) for step in response.context["missing"]]
    assert missing == ["Offer a session type"]
    assert b"disabled" in response.content


def test_publish_and_unpublish_from_the_checklist(coach_client):
    SessionTypeFactory(practice=coach_client.practice)

    coach_client.post(reverse("practices:publish"), {"action": "publish"})
    coach_client.practice.refresh_from_db()
    assert coach_client.practice.is_published

    coach_client.post(reverse("practices:publish"), {"action": "unpublish"})
    coach_client.practice.refresh_from_db()
    assert not coach_client.practice.is_published


def test_publish_refused_with_a_message_naming_the_step(coach_client):
    response = coach_client.post(reverse("practices:publish"), {"action": "publish"}, follow=True)
    assert "Offer a session type" in response.content.decode()
    coach_client.practice.refresh_from_db()
    assert not coach_client.practice.is_published


def test_another_coachs_session_type_is_a_404(coach_client):
    foreign = SessionTypeFactory()

    url = reverse("practices:session_type_edit", args=[foreign.pk])
    assert coach_client.get(url).status_code == 404
    assert coach_client.post(url, {"name": "Mine now"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "Coaching-Sitzung"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"duration_minutes": "0", "price": "50"}, "duration_minutes"),
        ({"duration_minutes": "60", "price": "-5"}, "price"),
        ({"duration_minutes": "60", "price": "abc"}, "price"),
        ({"duration_minutes": "99999", "price": "50"}, "duration_minutes"),
    ],
)
def test_session_type_form_errors(coach_client, data, field):
    response = coach_client.post(
        reverse("practices:session_type_add"), {"name": "Sitzung", "position": "0", **data}
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not SessionType.objects.filter(practice=coach_client.practice).exists()


def test_a_session_type_is_added(coach_client):
    response = coach_client.post(
        reverse("practices:session_type_add"),
        {
            "name": "Erstgespräch",
            "duration_minutes": "45",
            "price": "49.00",
            "is_active": "on",
            "position": "0",
        },
    )
    assert response.status_code == 302
    session_type = SessionType.objects.get(practice=coach_client.practice)
    assert (session_type.name, session_type.duration_minutes) == ("Erstgespräch", 45)


def _hours_post(**windows):
    """Every field of the grid empty, but for the given ones (e.g. d0_0_start="09:00")."""
    data = {f"d{d}_{i}_{p}": "" for d in range(7) for i in range(3) for p in ("start", "end")}
    data.update(windows)
    return data


def test_weekly_hours_grid_saves_several_windows(coach_client):
    response = coach_client.post(
        reverse("practices:hours"),
        _hours_post(d0_0_start="08:00", d0_0_end="12:00", d0_1_start="13:00", d0_1_end="17:30"),
    )
    assert response.status_code == 302
    assert list(
        coach_client.practice.weekly_hours.values_list("weekday", "start_time", "end_time")
    ) == [(0, _t(8), _t(12)), (0, _t(13), _t(17, 30))]


@pytest.mark.parametrize(
    ("windows", "message"),
    [
        ({"d1_0_start": "12:00", "d1_0_end": "09:00"}, "must end after it starts"),
        ({"d1_0_start": "09:00"}, "both times"),
        (
            {
                "d1_0_start": "09:00",
                "d1_0_end": "12:00",
                "d1_1_start": "11:00",
                "d1_1_end": "13:00",
            },
            "overlap",
        ),
        ({"d1_0_start": "25:99", "d1_0_end": "12:00"}, "valid time"),
    ],
)
def test_weekly_hours_errors_keep_the_old_hours(coach_client, windows, message):
    before = list(coach_client.practice.weekly_hours.values_list("weekday", "start_time"))

    response = coach_client.post(reverse("practices:hours"), _hours_post(**windows))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(coach_client.practice.weekly_hours.values_list("weekday", "start_time")) == before


def test_time_off_end_before_start_is_a_form_error(coach_client):
    response = coach_client.post(
        reverse("practices:time_off"),
        {"first_day": "2026-08-10", "last_day": "2026-08-01", "note": ""},
    )
    assert response.status_code == 200
    assert "last_day" in response.context["form"].errors
    assert not coach_client.practice.time_off.exists()


def test_removing_someone_elses_time_off_is_a_404(coach_client):
    other = PracticeFactory()
    foreign = other.time_off.create(first_day="2026-08-01", last_day="2026-08-02")

    url = reverse("practices:time_off_delete", args=[foreign.pk])
    assert coach_client.post(url).status_code == 404
    assert other.time_off.filter(pk=foreign.pk).exists()


def test_an_unknown_time_zone_is_a_form_error(coach_client):
    response = coach_client.post(
        reverse("practices:profile"),
        {"name": "X", "slug": coach_client.practice.slug, "time_zone": "Mars/Olympus"},
    )
    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors


def test_a_script_in_the_bio_is_shown_as_text_with_its_line_breaks(coach_client):
    practice = coach_client.practice
    SessionTypeFactory(practice=practice)
    coach_client.post(
        reverse("practices:profile"),
        {
            "name": practice.name,
            "slug": practice.slug,
            "headline": "Hallo",
            "bio": "Zeile eins\n<script>alert(1)</script>",
            "time_zone": "Europe/Berlin",
            "specialties": [s.pk for s in practice.specialties.all()],
            "languages": [lang.pk for lang in practice.languages.all()],
        },
    )

    html = coach_client.get(practice.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "Zeile eins<br>&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_huge_photo_is_refused_with_a_message(coach_client):
    huge = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"0" * (30 * 1024 * 1024), "image/jpeg")

    response = coach_client.post(reverse("practices:photo"), {"photo": huge})

    assert response.status_code == 200
    assert "8 MB" in response.content.decode()
    coach_client.practice.refresh_from_db()
    assert not coach_client.practice.photo


def test_a_file_that_is_not_an_image_is_refused(coach_client):
    fake = SimpleUploadedFile("cv.jpg", b"%PDF-1.7 not an image", "image/jpeg")

    response = coach_client.post(reverse("practices:photo"), {"photo": fake})

    assert response.status_code == 200
    assert response.context["form"].errors["photo"]


def test_a_photo_is_uploaded(coach_client, make_image):
    response = coach_client.post(reverse("practices:photo"), {"photo": make_image()})
    assert response.status_code == 302
    coach_client.practice.refresh_from_db()
    assert coach_client.practice.photo and coach_client.practice.photo_thumbnail


def _t(hour, minute=0):
    from datetime import time

    return time(hour, minute)
