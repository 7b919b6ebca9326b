from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coaching.notifications.models import Preferences


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = Preferences
        fields = ["reminder_timing", "sms_reminders", "sms_booking_messages", "open_tracking"]
        labels = {
            "reminder_timing": _("When should we remind you of a session?"),
            "sms_reminders": _("Also send reminders by SMS"),
            "sms_booking_messages": _(
                "Also send booking messages by SMS: confirmation, changes, cancellations, "
                "refunds and open payments"
            ),
            "open_tracking": _("Let us see whether you opened our e-mails"),
        }
        help_texts = {
            "open_tracking": _(
                "Optional. We then note per message only whether it was opened, to learn which "
                "messages are useful. Off by default."
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.sms_possible():
            for name in ("sms_reminders", "sms_booking_messages"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Needs a confirmed mobile number (see below).")


class SmsCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from the SMS"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Enter the six digits from the SMS.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
