"""The user manager's read by primary key (every signed-in request): SQL compiled once, the same
user as the ORM gives, and nothing else takes that path."""

import pytest
from django.contrib.auth.models import Group
from django.forms.models import model_to_dict

from sofadoc.accounts.models import User
from tests.factories import UserFactory
from tests.queries import pinned_queries

pytestmark = pytest.mark.django_db


def test_a_user_by_primary_key_is_the_row_the_orm_reads():
    person = UserFactory(phone="+4915112345678", is_staff=True, language="en")

    with pinned_queries(1):
        fast = User.objects.get(pk=person.pk)
    through_orm = User.objects.filter(pk=person.pk).get()

    assert model_to_dict(fast) == model_to_dict(through_orm)
    assert (fast.password, fast.created_at, fast.updated_at) == (
        through_orm.password,
        through_orm.created_at,
        through_orm.updated_at,
    )
    assert fast._state.db == "default" and not fast._state.adding
    assert User.objects.get(pk=str(person.pk)) == person  # the session keeps it as text


def test_a_missing_or_unreadable_key_fails_as_the_orm_does():
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=987654321)
    with pytest.raises(User.DoesNotExist):
        User.objects.get(pk=None)
    with pytest.raises(ValueError, match="expected a number"):
        User.objects.get(pk="not-a-number")


def test_a_relation_manager_still_filters():
    """Managers of relations subclass the default one: their get must keep their filter."""
    member, outsider = UserFactory(), UserFactory()
    group = Group.objects.create(name="Coaches")
    group.user_set.add(member)

    assert group.user_set.get(pk=member.pk) == member
    with pytest.raises(User.DoesNotExist):
        group.user_set.get(pk=outsider.pk)
