"""The billing details checkout asks for above the small-amount limit (§ 33 UStDV: 250 € gross).

Billing owns the rule and the form; the checkout (payments/bookings) shows
`templates/billing/partials/billing_address_fields.html` with it and stores the cleaned values in
`Purchase.billing_name` / `billing_address` through `purchase_create(billing_name=...,
billing_address=...)`. Below the limit the fields are optional and may be left empty.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from coaching.billing.services.receipts import billing_details_required


class BillingAddressForm(forms.Form):
    billing_name = forms.CharField(
        label=_("Name on the receipt"),
        max_length=160,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    billing_address = forms.CharField(
        label=_("Billing address"),
        max_length=400,
        required=False,
        help_text=_("Street and number, postcode and town (and country, if not Germany)."),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )

    def __init__(self, *args, total: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.required_by_law = billing_details_required(total)
        for field in self.fields.values():
            field.required = self.required_by_law

    def clean_billing_name(self):
        return " ".join(self.cleaned_data["billing_name"].split())

    def clean_billing_address(self):
        lines = [line.strip() for line in self.cleaned_data["billing_address"].splitlines()]
        address = "\n".join(line for line in lines if line)
        if self.required_by_law and len(address.splitlines()) < 2:
            raise forms.ValidationError(
                _("Please give street and number on one line and postcode and town on the next.")
            )
        return address
