"""The personal-data registry: every model says how to find, export and erase a person's rows.

Each app declares its models in `<app>/privacy.py` (autodiscovered when the privacy app is
ready)::

    from privacy.registry import Erase, PersonalData, not_personal, register

    register(
        PersonalData(
            "bookings.Booking",
            subject=("client", "practice__owner"),      # lookups that lead to the user
            fields=["reference", "start", "state"],      # what goes into the export
            erase=Erase.KEEP,                            # financial record: keep, clear personal
            anonymise={"client": None, "cancel_reason": ""},  # field -> value (or callable(obj))
        ),
    )
    not_personal("practices.Specialty", reason="reference data")

(coaching/bookings/privacy.py holds the full declaration.)

A coverage test fails when any installed model is in neither list, so a new model cannot
forget its privacy story.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import Model, Q, QuerySet

if TYPE_CHECKING:
    from sofadoc.accounts.models import User


class Erase(enum.Enum):
    DELETE = "delete"  # rows are removed
    ANONYMISE = "anonymise"  # rows stay, the `anonymise` fields are overwritten
    KEEP = "keep"  # legally retained (§ 147 AO, § 257 HGB): personal fields cleared via `anonymise`
    CASCADE = "cascade"  # removed by the database when the user row goes (nothing to do first)


@dataclass(frozen=True)
class LegalHold:
    """Columns of a kept row that the law requires (e.g. the issuer on a receipt, § 14 UStG), why,
    and for how long. When a person is erased, each such row that names them is marked
    restricted (Art. 18 GDPR): `privacy.RestrictedRecord` says which columns stay, on what basis
    and until when; the retention task clears the row when that date has passed."""

    fields: tuple[str, ...]
    basis: str
    years: int
    date_field: str  # the row's date the period counts from (end of that calendar year)
    # Lookup from the row to the person the kept columns describe ("practice__owner").
    person: str
    # Only rows matching this filter are held (the recipient on a receipt only where § 14 UStG
    # requires it): on the others the columns are cleared and the scan accepts nothing.
    only_if: dict[str, Any] = field(default_factory=dict)
    # The owning app deletes the whole row when the period ends (billing's purge; its rows refuse
    # any other change): the retention task then only releases the mark, once the row is gone.
    ends_by_deletion: bool = False


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
    # Free-text columns that stay (kept rows) with the person's name, e-mail and phone cut out:
    # a booking's copied session name "Erstgespräch mit Anna Muster" keeps "Erstgespräch mit …".
    redact: list[str] = field(default_factory=list)
    # One hold, or several for columns describing different people (issuer and recipient).
    legal_hold: LegalHold | tuple[LegalHold, ...] | None = None

    @property
    def holds(self) -> tuple[LegalHold, ...]:
        if self.legal_hold is None:
            return ()
        return self.legal_hold if isinstance(self.legal_hold, tuple) else (self.legal_hold,)

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

    def rows(self, user: User) -> QuerySet[Model]:
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


def declaration_for(model_label: str) -> PersonalData | None:
    return _personal.get(model_label)


def personal_data() -> list[PersonalData]:
    """Declarations in erasure order."""
    return sorted(_personal.values(), key=lambda d: (d.order, d.model_label))


def not_personal_models() -> dict[str, str]:
    return dict(_not_personal)


def undeclared_models(models: Iterable[type[Model]] | None = None) -> list[str]:
    models = models if models is not None else apps.get_models()
    known = set(_personal) | set(_not_personal)
    return sorted(m._meta.label for m in models if m._meta.label not in known)


# --- Processors that hold copies (Art. 17 (2) GDPR: tell them to erase too) ------------------
@dataclass(frozen=True)
class ProcessorEraser:
    """How to ask one processor to delete a person's data.

    `collect(user)` runs while the person still exists and returns what the processor knows
    them by (e-mail address, phone number) and any ids already known, or None when the
    processor is not in use or has nothing of theirs. `erase(lookup=..., known_ids=..., call=...)`
    runs later, in a retried job; it reports each request through `call(method, url, status)` and
    raises when the processor did not confirm (the job tries again later)."""

    name: str
    collect: Callable[[Any], tuple[str, list] | None]
    erase: Callable[..., None]


# How an eraser reports each request it made to the processor: method, URL (without the
# person's data) and the HTTP status, or the name of the error when there was no answer.
ProcessorCall = Callable[[str, str, int | str], None]

_processor_erasers: dict[str, ProcessorEraser] = {}


def register_processor_eraser(eraser: ProcessorEraser) -> None:
    _processor_erasers[eraser.name] = eraser


def processor_erasers() -> dict[str, ProcessorEraser]:
    return dict(_processor_erasers)
