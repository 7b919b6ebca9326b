from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from sofadoc.accounts.models import User
from sofadoc.accounts.phone import normalize_phone
from sofadoc.accounts.timezones import is_valid_time_zone, time_zone_choices


class SignupForm(AllauthSignupForm):
    """allauth's signup plus the name we show to the other side of a session."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        help_text=_("Shown to your coach or clients, e.g. your first name."),
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    # Filled by static/js/tz.js from the browser; invisible and optional.
    time_zone = forms.CharField(required=False, widget=forms.HiddenInput)

    field_order = ["display_name", "email", "password1", "password2"]

    def clean_time_zone(self) -> str:
        value = self.cleaned_data.get("time_zone", "")
        return value if is_valid_time_zone(value) else ""


class ProfileForm(forms.ModelForm):
    """The personal fields a person changes themselves (e-mail and password live in allauth)."""

    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)

    class Meta:
        model = User
        fields = ["display_name", "time_zone", "language", "phone"]
        widgets = {"phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"})}

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("phone", ""))
