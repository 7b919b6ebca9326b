from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from privacy.services import SIGNUP_PURPOSES, consent_record
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

    # The three signup consents: unticked by default; refusing is logged (pseudonymously).
    age_18 = forms.BooleanField(label=_("I am 18 years or older."), required=False)
    terms = forms.BooleanField(label=_("I accept the terms and conditions."), required=False)
    privacy = forms.BooleanField(label=_("I consent to the privacy policy."), required=False)

    field_order = ["display_name", "email", "password1", "password2", *SIGNUP_PURPOSES]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        required = gettext("Required to create an account.")
        for name, url_name, link_text in [
            ("terms", "privacy:terms", gettext("Read the terms")),
            ("privacy", "privacy:policy", gettext("Read the privacy policy")),
        ]:
            self.fields[name].help_text = format_html(
                '{} <a href="{}" target="_blank">{}</a>', required, reverse(url_name), link_text
            )
        self.fields["age_18"].help_text = required

    def clean(self):
        cleaned = super().clean()
        decisions = {purpose: bool(cleaned.get(purpose)) for purpose in SIGNUP_PURPOSES}
        if not all(decisions.values()):
            # No account will exist: the decision is logged under a one-off pseudonym only.
            consent_record(decisions=decisions, source="signup")
            for purpose, granted in decisions.items():
                if not granted:
                    self.add_error(
                        purpose,
                        gettext("Without this confirmation we cannot create your account."),
                    )
        return cleaned

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
