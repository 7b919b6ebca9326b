from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from coaching.bookings.forms import SlotField
from coaching.packages.models import (
    COUPON_CODE_PATTERN,
    MAX_OCCURRENCES,
    Coupon,
    CouponKind,
    Package,
)
from coaching.payments.discounts import normalise_code
from coaching.practices.models import Practice


class PackageForm(forms.ModelForm):
    class Meta:
        model = Package
        fields = [
            "name",
            "session_type",
            "sessions",
            "price",
            "validity_days",
            "expiry_rule",
            "is_active",
        ]
        help_texts = {
            "validity_days": _("Counted from the purchase, e.g. 180 for six months."),
            "expiry_rule": _("Shown to clients before they buy."),
        }

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.practice = practice
        # A ModelForm makes a ForeignKey a ModelChoiceField; offer the practice's own types only.
        session_type = cast(forms.ModelChoiceField, self.fields["session_type"])
        session_type.queryset = practice.session_types.filter(is_active=True)


class SlotForm(forms.Form):
    start = SlotField()


class SeriesForm(forms.Form):
    """A series request: the first session, the rhythm and how many. Out of range → 400."""

    start = SlotField()
    interval_weeks = forms.TypedChoiceField(
        label=_("Rhythm"),
        choices=[(1, _("every week")), (2, _("every two weeks"))],
        coerce=int,
        initial=1,
    )
    count = forms.IntegerField(
        label=_("Number of sessions"), min_value=1, max_value=MAX_OCCURRENCES, initial=6
    )
    # The occurrences the client accepted on the check page (alternatives included), as UTC ISO.
    chosen = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)


class CouponForm(forms.ModelForm):
    """A new coupon. Dates are read in the coach's time zone (the active one)."""

    class Meta:
        model = Coupon
        fields = [
            "code",
            "kind",
            "value",
            "max_uses",
            "valid_from",
            "valid_until",
            "session_type",
            "package",
        ]
        widgets = {
            "valid_from": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "valid_until": forms.DateTimeInput(attrs={"type": "datetime-local"}),
        }

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.practice = practice
        self.practice = practice
        self.fields["code"].widget.attrs.update({"autocomplete": "off", "maxlength": 32})
        session_type = cast(forms.ModelChoiceField, self.fields["session_type"])
        package = cast(forms.ModelChoiceField, self.fields["package"])
        session_type.queryset = practice.session_types.filter(is_active=True)
        package.queryset = Package.objects.filter(practice=practice)
        session_type.empty_label = _("all sessions")
        package.empty_label = _("all packages")

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data.get("code", ""))
        if not re.fullmatch(COUPON_CODE_PATTERN, code):
            raise forms.ValidationError(_("3 to 32 letters, digits or hyphens, e.g. SOMMER20."))
        if Coupon.objects.filter(practice=self.practice, code=code).exists():
            raise forms.ValidationError(_("You already have a coupon with this code."))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == CouponKind.PERCENT and (data.get("value") or 0) > 100:
            self.add_error("value", _("A percentage is at most 100."))
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end <= start:
            self.add_error("valid_until", _("The end must be after the start."))
        if data.get("session_type") and data.get("package"):
            self.add_error("package", _("Choose a session or a package, not both."))
        return data
