"""Personal data in billing. Documents are accounting records kept 8 years from the end of the
year of issue (§ 147 AO, § 14b UStG) even after an erasure: the link to the account goes, the
recipient's name and address go unless the law requires them on that document (above 250 € and on
invoices to businesses), and the document is marked restricted (processed for tax and audits only).
`billing.purge_expired_documents` deletes each document when its period ends."""

from privacy.registry import Erase, PersonalData, not_personal, register


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
        order=310,
        description="Receipts and invoices: kept for the legal period, restricted after erasure.",
    ),
    PersonalData(
        "billing.DocumentLine",
        subject="document__recipient_user",
        fields=["document__number", "description", "service_date", "gross"],
        erase=Erase.KEEP,  # the service and its amounts: nothing about the person to clear
        order=300,
    ),
)
not_personal(
    "billing.NumberSeries",
    reason="the last number used per issuer and year",
)
