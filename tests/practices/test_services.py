import os
from datetime import date, time

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from PIL import Image

from coaching.practices.models import Practice, PracticeSlugRedirect
from coaching.practices.photos import process_photo
from coaching.practices.services import (
    Opening,
    PublishBlocked,
    practice_erase,
    practice_publish,
    practice_set_photo,
    practice_update,
    time_off_add,
    weekly_hours_replace,
)
from tests.factories import PracticeFactory, SessionTypeFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_publishing_needs_every_required_step():
    practice = PracticeFactory(hours=[], headline="")

    with pytest.raises(PublishBlocked) as blocked:
        practice_publish(practice=practice, actor=practice.owner)

    assert set(blocked.value.missing) == {
        "Describe your practice",
        "Offer a session type",
        "Set your weekly hours",
    }
    practice.refresh_from_db()
    assert not practice.is_published


def test_publishing_needs_a_verified_email():
    practice = PracticeFactory()
    SessionTypeFactory(practice=practice)
    EmailAddress.objects.filter(user=practice.owner).update(verified=False)

    with pytest.raises(PublishBlocked) as blocked:
        practice_publish(practice=practice, actor=practice.owner)
    assert blocked.value.missing == ["Confirm your e-mail address"]


def test_a_complete_practice_is_published_with_a_timestamp():
    practice = PracticeFactory()
    SessionTypeFactory(practice=practice)

    practice_publish(practice=practice, actor=practice.owner)

    practice.refresh_from_db()
    assert practice.is_published and practice.published_at is not None


def test_only_the_owner_or_staff_with_two_factors_change_a_practice():
    practice = PracticeFactory()

    for outsider in (UserFactory(), StaffFactory(two_factors=False)):
        with pytest.raises(PermissionDenied):
            practice_update(practice=practice, actor=outsider, fields={"name": "Gekapert"})
    practice_update(practice=practice, actor=StaffFactory(two_factors=True), fields={"name": "Neu"})
    assert Practice.objects.get(pk=practice.pk).name == "Neu"


def test_a_changed_slug_keeps_the_old_one_as_redirect_and_can_go_back():
    practice = PracticeFactory(slug="alt")

    practice_update(practice=practice, actor=practice.owner, fields={"slug": "neu"})
    assert PracticeSlugRedirect.objects.get(slug="alt").practice == practice

    practice_update(practice=practice, actor=practice.owner, fields={"slug": "alt"})
    assert set(PracticeSlugRedirect.objects.values_list("slug", flat=True)) == {"neu"}


def test_weekly_hours_refuse_overlapping_windows_and_keep_the_old_ones():
    practice = PracticeFactory(hours=[(0, 9, 12)])

    with pytest.raises(ValidationError, match="overlap"):
        weekly_hours_replace(
            practice=practice,
            actor=practice.owner,
            openings=[Opening(1, time(9), time(12)), Opening(1, time(11), time(14))],
        )
    assert list(practice.weekly_hours.values_list("weekday", "start_time")) == [(0, time(9))]


def test_weekly_hours_allow_several_windows_a_day():
    practice = PracticeFactory(hours=[])

    weekly_hours_replace(
        practice=practice,
        actor=practice.owner,
        openings=[Opening(2, time(14), time(18)), Opening(2, time(8), time(12))],
    )

    assert list(practice.weekly_hours.values_list("start_time", "end_time")) == [
        (time(8), time(12)),
        (time(14), time(18)),
    ]


def test_time_off_must_not_end_before_it_starts():
    practice = PracticeFactory()
    with pytest.raises(ValidationError):
        time_off_add(
            practice=practice,
            actor=practice.owner,
            first_day=date(2026, 8, 10),
            last_day=date(2026, 8, 1),
        )


def test_photos_are_squared_resized_and_stripped_of_metadata(make_image, settings):
    practice = PracticeFactory()
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x8825] = {2: (52.0, 31.0, 12.0)}  # GPS latitude
    upload = make_image(size=(1600, 1000), exif=exif.tobytes())

    practice_set_photo(practice=practice, actor=practice.owner, photo=process_photo(upload))

    practice.refresh_from_db()
    with (
        Image.open(practice.photo.path) as photo,
        Image.open(practice.photo_thumbnail.path) as thumb,
    ):
        assert photo.size == (480, 480) and thumb.size == (160, 160)
        assert photo.format == "JPEG"
        assert not photo.getexif() and "exif" not in photo.info
    assert practice.owner.email.split("@")[0] not in practice.photo.name


def test_replacing_a_photo_deletes_the_old_files(make_image, django_capture_on_commit_callbacks):
    practice = PracticeFactory()
    with django_capture_on_commit_callbacks(execute=True):
        practice_set_photo(
            practice=practice, actor=practice.owner, photo=process_photo(make_image())
        )
    first = practice.photo.path

    with django_capture_on_commit_callbacks(execute=True):
        practice_set_photo(
            practice=practice, actor=practice.owner, photo=process_photo(make_image())
        )

    assert not os.path.exists(first)
    assert os.path.exists(practice.photo.path)


def test_the_search_document_follows_profile_and_topics():
    practice = PracticeFactory(name="Praxis Sonnenschein", bio="")

    practice_update(
        practice=practice,
        actor=practice.owner,
        fields={"bio": "Ich helfe bei Ängsten und Beziehungen."},
    )

    found = Practice.objects.filter(search_document="Angst").values_list("pk", flat=True)
    assert list(found) == [practice.pk]


def test_erasing_a_practice_keeps_the_row_but_no_personal_profile(
    make_image, django_capture_on_commit_callbacks
):
    practice = PracticeFactory(
        slug="alt",
        bio="Ich heiße Erika.",
        headline="Coaching mit Erika",
        billing_name="Erika Muster",
        billing_address="Musterweg 1, 12345 Berlin",
        tax_number="12/345/67890",
    )
    session_type = SessionTypeFactory(practice=practice, description="Mit Erika im Gespräch")
    with django_capture_on_commit_callbacks(execute=True):
        practice_set_photo(
            practice=practice, actor=practice.owner, photo=process_photo(make_image())
        )
    photo_path = practice.photo.path
    practice_update(practice=practice, actor=practice.owner, fields={"slug": "neu"})
    time_off_add(
        practice=practice,
        actor=practice.owner,
        first_day=date(2026, 8, 1),
        last_day=date(2026, 8, 2),
        note="Hochzeit",
    )
    practice_publish(practice=practice, actor=practice.owner)

    with pytest.raises(PermissionDenied):
        practice_erase(practice=practice, actor=UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        practice_erase(practice=practice, actor=practice.owner)

    practice.refresh_from_db()
    session_type.refresh_from_db()
    assert (practice.name, practice.slug) == ("Deleted practice", f"deleted-{practice.pk}")
    assert not (practice.headline or practice.bio or practice.photo or practice.is_published)
    assert not (practice.billing_name or practice.billing_address or practice.tax_number)
    assert practice.search_document is None
    assert not practice.specialties.exists() and not practice.languages.exists()
    assert not practice.weekly_hours.exists() and not practice.time_off.exists()
    assert not PracticeSlugRedirect.objects.filter(practice=practice).exists()
    assert (session_type.is_active, session_type.description) == (False, "")
    assert not os.path.exists(photo_path)
