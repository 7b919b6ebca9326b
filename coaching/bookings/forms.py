from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_SLOT_DISTANCE = timedelta(days=3660)


class SlotField(forms.CharField):
    """A slot's start as the UTC ISO time that practice pages link with: 2026-06-02T08:00:00Z."""

    default_error_messages = {"invalid": _("This is not a valid time for a session.")}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
            parsed = parsed.astimezone(UTC) if parsed.tzinfo is not None else None
        except (ValueError, OverflowError) as error:  # e.g. year 1 at UTC+14
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from error
        # Years away is no slot of any practice, and adding the session's length to the last
        # days of the calendar would overflow.
        if parsed is None or abs(parsed - timezone.now()) > MAX_SLOT_DISTANCE:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class HoldForm(forms.Form):
    start = SlotField(widget=forms.HiddenInput)
    # The price the client saw; if the coach changed it meanwhile, they confirm again.
    price = forms.DecimalField(
        max_digits=8, decimal_places=2, min_value=Decimal("0"), widget=forms.HiddenInput
    )


class MoveForm(forms.Form):
    start = SlotField(label=_("New time"))


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (shown to the other side)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, reason_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # A coach must say why (booking_cancel enforces it too); the form puts the message at
        # the field, where the coach types, rather than above the form.
        field = self.fields["reason"]
        field.required = reason_required
        field.error_messages["required"] = _("Please tell your client why you cancel.")
