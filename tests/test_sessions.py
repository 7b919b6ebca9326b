"""Sessions from Redis, kept in PostgreSQL (sofadoc/sessions.py)."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.factories import UserFactory
from tests.queries import pinned_queries

pytestmark = pytest.mark.django_db

NOBODY = "redis://127.0.0.1:9/0"  # the discard port: connections are refused at once
PAGE = "/coaches/"


def signed_in(client):
    client.force_login(UserFactory())
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def session_queries(client) -> int:
    with pinned_queries(touching="django_session") as counted:
        assert client.get(PAGE).status_code == 200
    return len(counted)


def test_a_signed_in_page_reads_the_session_from_redis(client):
    signed_in(client)
    client.get(PAGE)
    assert session_queries(client) == 0
    cache.clear()  # evicted or lost: the database has it, and Redis gets it back
    assert session_queries(client) == 1
    assert session_queries(client) == 0


def test_logging_out_ends_the_session_in_redis_too(client):
    key = signed_in(client)
    client.post(reverse("account_logout"))

    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = key
    assert other.get(PAGE).wsgi_request.user.is_anonymous


def test_a_session_row_deleted_in_bulk_takes_its_copy_with_it(client):
    key = signed_in(client)
    assert client.get(PAGE).wsgi_request.user.is_authenticated  # now cached

    Session.objects.filter(session_key=key).delete()  # erasure, clearsessions, the admin

    assert client.get(PAGE).wsgi_request.user.is_anonymous


def test_with_redis_down_people_still_sign_in_and_out(client):
    with override_settings(CACHES={"default": {**settings.CACHES["default"], "LOCATION": NOBODY}}):
        with pytest.raises(RedisConnectionError):
            cache.get("anything")  # really down
        signed_in(client)
        assert client.get(PAGE).wsgi_request.user.is_authenticated
        client.post(reverse("account_logout"))
        assert client.get(PAGE).wsgi_request.user.is_anonymous
