"""The personal-data registry: every model says how to find, export and erase a person's rows.

Each app declares its models in `<app>/privacy.py` (autodiscovered when the privacy app is
ready)::

    from privacy.registry import Erase, PersonalData, not_personal, register

    register(
        PersonalData(
            "bookings.Booking",
            subject=("client", "practice__owner"),     # lookups that lead to the user
            fields=["starts_at", "status", "note"],     # what goes into the export
            erase=Erase.KEEP,                           # financial record: keep, clear personal
            anonymise={"note": "", "client_email": ""}, # field -> replacement (or callable(obj))
        ),
    )
    not_personal("bookings.Currency", reason="reference data")

A coverage test fails when any installed model is in neither list, so a new model cannot
forget its privacy story.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Model, Q, QuerySet


class Erase(enum.Enum):
    DELETE = "delete"  # rows are removed
    ANONYMISE = "anonymise"  # rows stay, the `anonymise` fields are overwritten
    KEEP = "keep"  # legally retained (§ 147 AO, § 257 HGB): personal fields cleared via `anonymise`
    CASCADE = "cascade"  # removed by the database when the user row goes (nothing to do first)


@dataclass
class PersonalData:
    model_label: str
    # Lookup path(s) from the model to the user ("owner", "practice__owner"), or a callable
    # user -> QuerySet for anything a lookup can't express.
    subject: str | tuple[str, ...] | Callable[[Any], QuerySet]
    # Exported values (lookups like "document__version" allowed); None = every own column.
    fields: list[str] | None = None
    erase: Erase = Erase.DELETE
    anonymise: dict[str, Any] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)  # FileFields exported and deleted
    # Lower runs first when erasing (e.g. sessions before the user-session index that finds them).
    order: int = 100
    description: str = ""
    # Called with the person's rows before they are erased (e.g. delete files elsewhere).
    before_erase: Callable[[QuerySet], None] | None = None

    def export_fields(self) -> list[str]:
        if self.fields is not None:
            return self.fields
        return [f.attname for f in self.model._meta.concrete_fields]

    @property
    def model(self) -> type[Model]:
        return apps.get_model(self.model_label)

    @property
    def category(self) -> str:
        return self.model_label.lower()

    def rows(self, user) -> QuerySet:
        if callable(self.subject):
            return self.subject(user)
        paths = (self.subject,) if isinstance(self.subject, str) else self.subject
        query = Q()
        for path in paths:
            query |= Q(**{path: user})
        return self.model._default_manager.filter(query).distinct()


_personal: dict[str, PersonalData] = {}
_not_personal: dict[str, str] = {}


def register(*declarations: PersonalData) -> None:
    for declaration in declarations:
        _personal[declaration.model_label] = declaration


def not_personal(*labels: str, reason: str) -> None:
    for label in labels:
        _not_personal[label] = reason


def personal_data() -> list[PersonalData]:
    """Declarations in erasure order."""
    return sorted(_personal.values(), key=lambda d: (d.order, d.model_label))


def not_personal_models() -> dict[str, str]:
    return dict(_not_personal)


def undeclared_models(models: Iterable[type[Model]] | None = None) -> list[str]:
    models = models if models is not None else apps.get_models()
    known = set(_personal) | set(_not_personal)
    return sorted(m._meta.label for m in models if m._meta.label not in known)
