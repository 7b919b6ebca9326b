"""SofaDoc's fee invoices as e-invoices: the EN 16931 (Factur-X/ZUGFeRD "EN 16931" profile)
Cross Industry Invoice XML, embedded into the PDF/A-3 WeasyPrint renders, with the `factur-x`
package (which also checks the XML against the profile's XSD while embedding).

The XML states the invoice as the printed page does: line nets, one VAT category (S, 19 %),
and the whole amount as prepaid (PayPal withheld the fees), so nothing is due.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from facturx import generate_from_binary
from lxml import etree
from lxml.builder import ElementMaker

from coaching.billing.models import Document
from coaching.billing.periods import BOOKS_ZONE, month_bounds

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
RSM = ElementMaker(namespace=NS["rsm"], nsmap=NS)
RAM = ElementMaker(namespace=NS["ram"], nsmap=NS)
UDT = ElementMaker(namespace=NS["udt"], nsmap=NS)
EN16931 = "urn:cen.eu:en16931:2017"
POSTCODE_CITY = re.compile(r"^(?:D-)?(\d{5})\s+(.+)$")
COUNTRIES = {"deutschland": "DE", "germany": "DE", "österreich": "AT", "schweiz": "CH"}


def split_address(text: str) -> dict[str, str]:
    """A free-text German address ("Straße 1\\n10115 Berlin[\\nDeutschland]") as CII fields."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    country = "DE"
    if lines and lines[-1].lower() in COUNTRIES:
        country = COUNTRIES[lines.pop().lower()]
    postcode = city = ""
    for index, line in enumerate(lines):
        match = POSTCODE_CITY.match(line)
        if match:
            postcode, city = match.groups()
            del lines[index]
            break
    return {"postcode": postcode, "lines": lines[:3], "city": city, "country": country}  # type: ignore[dict-item]


def _amount(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def _day(value: date) -> etree._Element:
    return UDT.DateTimeString(value.strftime("%Y%m%d"), format="102")


def _party(
    tag: str, *, name: str, address: str, vat_id: str = "", tax_number: str = "", email: str = ""
):
    parts = split_address(address)
    postal = [RAM.PostcodeCode(parts["postcode"])] if parts["postcode"] else []
    postal += [
        getattr(RAM, f"Line{word}")(line)
        for word, line in zip(("One", "Two", "Three"), parts["lines"], strict=False)
    ]
    if parts["city"]:
        postal.append(RAM.CityName(parts["city"]))
    postal.append(RAM.CountryID(parts["country"]))
    children = [RAM.Name(name), RAM.PostalTradeAddress(*postal)]
    if email:  # the electronic address (BT-34/BT-49) e-invoicing software answers to
        children.append(RAM.URIUniversalCommunication(RAM.URIID(email, schemeID="EM")))
    if vat_id:
        children.append(RAM.SpecifiedTaxRegistration(RAM.ID(vat_id, schemeID="VA")))
    if tax_number:
        children.append(RAM.SpecifiedTaxRegistration(RAM.ID(tax_number, schemeID="FC")))
    return getattr(RAM, tag)(*children)


def _vat(rate: Decimal, *extra) -> etree._Element:
    return RAM.ApplicableTradeTax(
        *extra[:1],
        RAM.TypeCode("VAT"),
        *extra[1:],
        RAM.CategoryCode("S"),
        RAM.RateApplicablePercent(_amount(rate)),
    )


def _line(line) -> etree._Element:
    # EN 16931 forbids a negative price (BR-27): a deduction is a negative quantity instead.
    quantity = line.quantity if line.net >= 0 else -line.quantity
    return RAM.IncludedSupplyChainTradeLineItem(
        RAM.AssociatedDocumentLineDocument(RAM.LineID(str(line.position))),
        RAM.SpecifiedTradeProduct(RAM.Name(line.description)),
        RAM.SpecifiedLineTradeAgreement(
            RAM.NetPriceProductTradePrice(RAM.ChargeAmount(_amount(abs(line.net) / line.quantity)))
        ),
        RAM.SpecifiedLineTradeDelivery(RAM.BilledQuantity(str(quantity), unitCode="C62")),
        RAM.SpecifiedLineTradeSettlement(
            RAM.ApplicableTradeTax(
                RAM.TypeCode("VAT"),
                RAM.CategoryCode("S"),
                RAM.RateApplicablePercent(_amount(line.document.vat_rate)),
            ),
            RAM.SpecifiedTradeSettlementLineMonetarySummation(
                RAM.LineTotalAmount(_amount(line.net))
            ),
        ),
    )


def fee_invoice_xml(document: Document) -> bytes:
    """The CII XML of a fee invoice (EN 16931 profile), UTF-8 bytes."""
    start, end = month_bounds(document.period_start)  # type: ignore[arg-type]
    issued = document.issued_at.astimezone(BOOKS_ZONE).date()
    currency = document.currency
    lines = list(document.lines.order_by("position"))
    for line in lines:
        line.document = document
    root = RSM.CrossIndustryInvoice(
        RSM.ExchangedDocumentContext(
            RAM.GuidelineSpecifiedDocumentContextParameter(RAM.ID(EN16931))
        ),
        RSM.ExchangedDocument(
            RAM.ID(document.number),
            RAM.TypeCode("380"),
            RAM.IssueDateTime(_day(issued)),
            RAM.IncludedNote(RAM.Content("Die Gebühren wurden bereits von PayPal einbehalten.")),
        ),
        RSM.SupplyChainTradeTransaction(
            *[_line(line) for line in lines],
            RAM.ApplicableHeaderTradeAgreement(
                RAM.BuyerReference(f"practice-{document.practice_id}"),
                _party(
                    "SellerTradeParty",
                    name=document.issuer_name,
                    address=document.issuer_address,
                    vat_id=document.issuer_vat_id,
                    tax_number=document.issuer_tax_number,
                    email=settings.BILLING_ISSUER_EMAIL,
                ),
                _party(
                    "BuyerTradeParty",
                    name=document.recipient_name or "-",
                    address=document.recipient_address,
                    vat_id=document.recipient_vat_id,
                ),
            ),
            RAM.ApplicableHeaderTradeDelivery(),
            RAM.ApplicableHeaderTradeSettlement(
                RAM.InvoiceCurrencyCode(currency),
                _vat(
                    document.vat_rate,
                    RAM.CalculatedAmount(_amount(document.vat_total)),
                    RAM.BasisAmount(_amount(document.net_total)),
                ),
                RAM.BillingSpecifiedPeriod(
                    RAM.StartDateTime(_day(start.date())),
                    RAM.EndDateTime(_day((end - timedelta(days=1)).date())),
                ),
                RAM.SpecifiedTradePaymentTerms(
                    RAM.Description("Bereits bezahlt: von PayPal bei den Zahlungen einbehalten.")
                ),
                RAM.SpecifiedTradeSettlementHeaderMonetarySummation(
                    RAM.LineTotalAmount(_amount(document.net_total)),
                    RAM.TaxBasisTotalAmount(_amount(document.net_total)),
                    RAM.TaxTotalAmount(_amount(document.vat_total), currencyID=currency),
                    RAM.GrandTotalAmount(_amount(document.gross_total)),
                    RAM.TotalPrepaidAmount(_amount(document.gross_total)),
                    RAM.DuePayableAmount("0.00"),
                ),
            ),
        ),
    )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def facturx_embed(*, pdf: bytes, document: Document) -> bytes:
    """The PDF/A-3 with the XML attached as factur-x.xml (checked against the XSD first)."""
    return generate_from_binary(
        pdf,
        fee_invoice_xml(document),
        flavor="factur-x",
        level="en16931",
        check_xsd=True,
        pdf_metadata={
            "author": document.issuer_name,
            "keywords": "Factur-X, ZUGFeRD, Rechnung",
            "title": f"Rechnung {document.number}",
            "subject": f"Rechnung {document.number} von {document.issuer_name}",
        },
        lang="de-DE",
    )
