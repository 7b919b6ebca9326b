import pytest

from tests.factories import PracticeFactory, UserFactory


@pytest.fixture
def coach_practice(db):
    return PracticeFactory(name="Praxis Sonnenschein", billing_name="Erika Muster")


@pytest.fixture
def buyer(db):
    return UserFactory(display_name="Max Mustermann")
