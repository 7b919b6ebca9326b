"""Personal data in billing. Documents are accounting records kept 8 years from the end of the
year of issue (§ 147 AO, § 14b UStG) even after an erasure: the link to the account goes, the
recipient's name and address go unless the law requires them on that document (above 250 € and on
invoices to businesses), and the document is marked restricted (processed for tax and audits only).
`billing.purge_expired_documents` deletes each document when its period ends.

What stays on a kept document is declared as a legal hold, so an erasure marks those rows
restricted (privacy.RestrictedRecord) and the erasure scan accepts exactly these columns there:
the issuer (the coach) and the service described on each line for every document, the recipient
only where the law requires them (`recipient_required`). The database refuses any other change
(migration 0002), so nothing on a document is redacted: what is not held is never written to it
(the recipient's name and address are blanked, which the trigger allows)."""

from coaching.billing.models import RETENTION_YEARS
from privacy.registry import Erase, LegalHold, PersonalData, not_personal, register

_BASIS = "§ 147 AO, § 14b UStG (Rechnungen und Belege: 8 Jahre)"


def _name_if_required(document):
    return document.recipient_name if document.recipient_required else ""


def _address_if_required(document):
    return document.recipient_address if document.recipient_required else ""


register(
    PersonalData(
        "billing.Document",
        subject="recipient_user",
        fields=[
            "kind",
            "number",
            "issued_at",
            "issuer_name",
            "recipient_name",
            "recipient_address",
            "gross_total",
            "currency",
            "retain_until",
        ],
        erase=Erase.KEEP,
        anonymise={
            "recipient_name": _name_if_required,
            "recipient_address": _address_if_required,
            "restricted": True,
            "recipient_user": None,
        },
        legal_hold=(
            LegalHold(
                fields=("issuer_name", "issuer_address", "issuer_tax_number", "issuer_vat_id"),
                basis=_BASIS,
                years=RETENTION_YEARS,
                date_field="issued_at",
                person="practice__owner",
                ends_by_deletion=True,  # billing.purge_expired_documents; never cleared in place
            ),
            # Above 250 € and to businesses (§ 14 (4) UStG, § 33 UStDV); elsewhere blanked above.
            LegalHold(
                fields=("recipient_name", "recipient_address", "recipient_vat_id"),
                basis=_BASIS,
                years=RETENTION_YEARS,
                date_field="issued_at",
                person="recipient_user",
                only_if={"recipient_required": True},
                ends_by_deletion=True,
            ),
        ),
        order=310,
        description="Receipts and invoices: kept for the legal period, restricted after erasure.",
    ),
    PersonalData(
        "billing.DocumentLine",
        subject="document__recipient_user",
        fields=["document__number", "description", "service_date", "gross"],
        # The service as invoiced (§ 14 (4) Nr. 5 UStG): the session name, which names the
        # coach. Lines cannot change (the trigger), so the description is held, not redacted.
        erase=Erase.KEEP,
        legal_hold=LegalHold(
            fields=("description",),
            basis=_BASIS,
            years=RETENTION_YEARS,
            date_field="document__issued_at",
            person="document__practice__owner",
            ends_by_deletion=True,  # with its document
        ),
        order=300,
    ),
)
not_personal(
    "billing.NumberSeries",
    reason="the last number used per issuer and year",
)
