import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from coaching.clients.models import Message, PrivateNote, Relationship, SharedFile, Task
from sofadoc.accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_demo_coach_and_client_have_a_thread_a_file_a_task_and_a_note(client):
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())  # again: nothing doubles
    coach = User.objects.get(email="coach@demo.sofadoc.de")
    jonas = User.objects.get(email="klient@demo.sofadoc.de")
    relationship = Relationship.objects.get(practice__owner=coach, client=jonas)
    assert Message.objects.filter(relationship=relationship).count() == 4
    assert SharedFile.objects.filter(relationship=relationship).count() == 1
    assert Task.objects.filter(relationship=relationship, state="done").count() == 1
    assert PrivateNote.objects.filter(relationship=relationship).count() == 1
    client.force_login(jonas)
    page = client.get(reverse("clients:thread", args=[relationship.pk])).content.decode()
    assert "Arbeitsblatt Werte.pdf" in page and "nächstes Mal" not in page
    client.force_login(coach)
    page = client.get(reverse("clients:detail", args=[relationship.pk])).content.decode()
    assert "nächstes Mal" in page
