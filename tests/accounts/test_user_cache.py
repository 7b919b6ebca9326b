"""The signed-in person's user row comes with the session's prefetch (accounts/usercache.py): no
query on a warm page, and every way a user changes is seen on the very next request."""

import pickle

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse

from sofadoc.accounts import usercache
from sofadoc.accounts.models import User
from sofadoc.cache import prefetched
from tests.factories import UserFactory
from tests.queries import pinned_queries

pytestmark = pytest.mark.django_db

PAGE = "notifications:list"  # signed-in only: an anonymous visitor is sent to the login


@pytest.fixture
def person(client):
    user = UserFactory(language="de")
    client.force_login(user)
    for _ in range(3):  # the version started, the row stored, then read from the prefetch
        assert client.get(reverse(PAGE)).status_code == 200
    return user


def signed_out(client) -> bool:
    response = client.get(reverse(PAGE))
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_warm_page_reads_its_user_without_a_query(client, person):
    with pinned_queries(touching="accounts_user") as counted:
        assert client.get(reverse(PAGE)).status_code == 200
    assert len(counted) == 0


def test_a_password_changed_elsewhere_signs_the_session_out(client, person):
    other = User.objects.get(email=person.email)  # another process, another instance
    other.set_password("ein-ganz-neues-Passwort-2026")
    other.save()

    assert signed_out(client)


def test_an_account_deactivated_by_a_queryset_update_signs_it_out(client, person):
    User.objects.filter(pk=person.pk).update(is_active=False)

    assert signed_out(client)


def test_an_update_through_the_default_manager_shows_at_once(client, person):
    # As erasure and retention change rows (privacy/services/erasure.py).
    User._default_manager.filter(pk__in=[person.pk]).update(language="en")

    assert client.get(reverse(PAGE)).headers["Content-Language"] == "en"


def test_bulk_update_shows_at_once(client, person):
    person.language = "en"
    User.objects.bulk_update([person], ["language"])

    assert client.get(reverse(PAGE)).headers["Content-Language"] == "en"


def test_an_update_through_a_relation_manager_shows_at_once(client, person):
    group = Group.objects.create(name="Testgruppe")
    group.user_set.add(person)

    group.user_set.update(is_active=False)

    assert signed_out(client)


def test_a_deleted_account_is_signed_out(client, person):
    User.objects.filter(pk=person.pk).delete()

    assert signed_out(client)


def test_only_the_requests_own_person_is_answered_and_each_get_is_a_new_instance(person):
    someone = UserFactory()
    token = prefetched.set(cache.prefetch(usercache.prefetch_keys(person.pk)))
    try:
        with pinned_queries(1, touching="accounts_user"):
            first = User.objects.get(pk=person.pk)  # from the copy
            again = User.objects.get(pk=person.pk)
            assert User.objects.get(pk=someone.pk) == someone  # the database
        assert first == again == person and first is not again
    finally:
        prefetched.reset(token)


def test_a_row_stored_under_an_older_version_is_not_served(person):
    cache.set(usercache.row_key(person.pk), ("an older version", person), 60)
    token = prefetched.set(cache.prefetch(usercache.prefetch_keys(person.pk)))
    try:
        assert usercache.kept_user(person.pk) is None
    finally:
        prefetched.reset(token)


def test_a_changed_users_row_leaves_redis(client, person):
    assert cache.get(usercache.row_key(person.pk)) is not None

    User.objects.filter(pk=person.pk).update(display_name="Gelöscht")

    assert cache.get(usercache.row_key(person.pk)) is None


def test_the_kept_row_holds_no_password_hash_and_still_checks_the_session(client, person):
    kept = cache.get(usercache.row_key(person.pk))
    assert kept is not None
    _, row = kept
    assert "password" not in row.__dict__
    assert person.password.encode() not in pickle.dumps(kept)

    assert client.get(reverse(PAGE)).status_code == 200  # the session hash still matches


def test_the_kept_row_reads_its_password_from_the_database_when_asked(client, person):
    person.set_password("das-alte-Passwort-2026")
    person.save()
    client.force_login(person)
    for _ in range(3):
        client.get(reverse(PAGE))
    token = prefetched.set({key: cache.get(key) for key in usercache.prefetch_keys(person.pk)})
    try:
        user = User.objects.get(pk=person.pk)
    finally:
        prefetched.reset(token)

    assert "password" not in user.__dict__  # the kept row, not a query
    with pinned_queries(touching="accounts_user") as counted:
        assert user.check_password("das-alte-Passwort-2026")
    assert len(counted) == 1
    user.display_name = "Neu"
    user.save()  # saves what was loaded: the password stays
    person.refresh_from_db()
    assert person.check_password("das-alte-Passwort-2026") and person.display_name == "Neu"
