from django.apps import apps

from privacy.registry import (
    Erase,
    PersonalData,
    not_personal_models,
    personal_data,
    undeclared_models,
)


def test_every_model_is_declared_personal_or_not():
    """A new model must say how it is exported and erased (or why it holds nobody's data)."""
    assert undeclared_models() == []


def test_models_linking_to_a_user_are_declared_personal():
    from django.conf import settings

    personal = {d.model_label for d in personal_data()}
    for model in apps.get_models():
        links_user = any(
            f.is_relation
            and f.related_model
            and f.related_model._meta.label == settings.AUTH_USER_MODEL
            for f in model._meta.get_fields()
            if not f.auto_created or f.concrete
        )
        if links_user and model._meta.label not in ("auth.Group", "auth.Permission"):
            assert model._meta.label in personal, model._meta.label


def test_undeclared_model_is_reported():
    class Fake:
        class _meta:
            label = "nowhere.Ghost"

    assert undeclared_models([Fake]) == ["nowhere.Ghost"]


def test_user_is_erased_last_and_declarations_resolve():
    declarations = personal_data()
    assert declarations[-1].model_label == "accounts.User"
    for declaration in declarations:
        assert declaration.model is not None
        assert isinstance(declaration.erase, Erase)
    assert "privacy.LegalDocument" in not_personal_models()


def test_lookup_subject_builds_or_query(django_user_model):
    declaration = PersonalData("practices.Practice", subject=("owner", "owner"))
    assert "owner_id" in str(declaration.rows(django_user_model(pk=1)).query)


# Fields that hold a person's data wherever they appear; a model with one is not "not personal".
PERSONAL_NAMES = {
    "email",
    "phone",
    "ip",
    "ip_address",
    "user_agent",
    "display_name",
    "first_name",
    "last_name",
    "billing_name",
    "billing_address",
    "address",
    "lookup",
    "endpoint",
}


def test_models_declared_not_personal_have_no_personal_looking_fields():
    """A declaration "not personal" must be true: no e-mail, IP or phone field, no name or
    address column, no link to a user."""
    from django.conf import settings
    from django.db import models

    wrong = []
    for label in not_personal_models():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        for field in model._meta.concrete_fields:
            if (
                isinstance(field, models.EmailField | models.GenericIPAddressField)
                or field.name in PERSONAL_NAMES
                or (
                    field.is_relation
                    and field.related_model._meta.label == settings.AUTH_USER_MODEL
                )
            ):
                wrong.append(f"{label}.{field.name}")
    assert wrong == []


def test_the_personal_field_check_catches_a_mislabelled_model(monkeypatch):
    from privacy import registry

    monkeypatch.setitem(registry._not_personal, "privacy.SupportRequest", "wrongly")
    import pytest

    with pytest.raises(AssertionError):
        test_models_declared_not_personal_have_no_personal_looking_fields()
