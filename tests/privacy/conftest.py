import pytest


@pytest.fixture
def reauthenticated_client(client):
    """A signed-in client that has just entered its password (allauth's reauthentication)."""

    def login(user):
        from django.urls import reverse

        from tests.factories import DEFAULT_PASSWORD

        client.force_login(user)
        response = client.post(reverse("account_reauthenticate"), {"password": DEFAULT_PASSWORD})
        assert response.status_code == 302, "reauthenticated"
        return client

    return login
