from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from coaching.bookings.forms import SlotField
from coaching.packages.models import MAX_OCCURRENCES, Package
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
