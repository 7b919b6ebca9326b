"""The coach's VAT treatment (billing settings under "Meine Praxis"), the checkout's billing
details above 250 €, the admin, and the arithmetic of net and VAT."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from coaching.billing.forms import BillingAddressForm
from coaching.billing.tax import split_gross
from coaching.practices.checklist import practice_checklist
from coaching.practices.models import TaxTreatment
from tests.billing.factories import receipt_issued
from tests.factories import PracticeFactory


@given(
    gross=st.decimals(min_value=Decimal("-10000"), max_value=Decimal("10000"), places=2),
    rate=st.sampled_from([Decimal("0.00"), Decimal("7.00"), Decimal("19.00")]),
)
def test_net_and_vat_always_add_up_to_the_gross_to_the_cent(gross, rate):
    split = split_gross(gross, rate)
    assert split.net + split.vat == split.gross == gross
    assert abs(split.vat - (split.net * rate / 100)) <= Decimal("0.01")


@pytest.mark.django_db
def test_the_coach_chooses_one_of_three_treatments_and_vat_needs_a_vat_id(client):
    practice = PracticeFactory()
    client.force_login(practice.owner)
    url = reverse("practices:billing")
    page = client.get(url).content.decode()
    assert 'type="radio"' in page and "exempt_healing" in page
    form = {
        "billing_name": "Erika Muster",
        "billing_address": "Musterstraße 1\n10115 Berlin",
        "tax_number": "27/123/45678",
        "tax_treatment": TaxTreatment.VAT,
        "vat_id": "",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert "vat_id" in response.context["form"].errors
    response = client.post(url, {**form, "vat_id": "de 123 456 789"})
    assert response.status_code == 302
    practice.refresh_from_db()
    assert (practice.tax_treatment, practice.vat_id) == (TaxTreatment.VAT, "DE123456789")
    assert client.post(url, {**form, "vat_id": "DE12"}).status_code == 200


@pytest.mark.django_db
def test_the_checklist_step_wants_the_vat_id_only_from_vat_charging_coaches():
    def done(practice):
        return next(s for s in practice_checklist(practice=practice) if s.key == "billing").done

    assert done(PracticeFactory(tax_treatment=TaxTreatment.EXEMPT_HEALING))
    assert not done(PracticeFactory(tax_treatment=TaxTreatment.VAT, vat_id=""))
    assert done(PracticeFactory(tax_treatment=TaxTreatment.VAT, vat_id="DE123456789"))


@pytest.mark.parametrize(
    ("total", "data", "valid"),
    [
        (Decimal("250.00"), {}, True),  # a small-amount receipt needs no name
        (Decimal("250.01"), {}, False),
        (Decimal("300.00"), {"billing_name": "Max", "billing_address": "Weg 1"}, False),
        (
            Decimal("300.00"),
            {"billing_name": " Max  Mustermann ", "billing_address": "Weg 1\n\n10115 Berlin "},
            True,
        ),
    ],
)
def test_checkout_asks_for_name_and_address_above_250_euros(total, data, valid):
    form = BillingAddressForm(data, total=total)
    assert form.is_valid() is valid, form.errors
    if valid and data:
        assert form.cleaned_data == {
            "billing_name": "Max Mustermann",
            "billing_address": "Weg 1\n10115 Berlin",
        }


def test_the_form_partial_renders_with_labels():
    from django.template.loader import render_to_string

    html = render_to_string(
        "billing/partials/billing_address_fields.html",
        {"form": BillingAddressForm(total=Decimal("300.00"))},
    )
    assert '<label for="id_billing_name">' in html and "250" in html


@pytest.mark.django_db
def test_documents_are_read_only_in_the_admin_with_filters_and_search(staff_client, buyer):
    practice = PracticeFactory()
    document = receipt_issued(practice, buyer)
    changelist = reverse("admin:billing_document_changelist")
    assert staff_client.get(changelist, {"q": document.number}).status_code == 200
    assert staff_client.get(changelist, {"kind__exact": "receipt"}).status_code == 200
    assert staff_client.get(reverse("admin:billing_numberseries_changelist")).status_code == 200
    change = reverse("admin:billing_document_change", args=[document.pk])
    assert staff_client.get(change).status_code == 200
    assert staff_client.post(change, {"number": "X"}).status_code == 403
    assert staff_client.get(reverse("admin:billing_document_add")).status_code == 403
