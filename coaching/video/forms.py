"""Twilio's room status callbacks, validated as strictly as any form a person sends.

A correct signature proves the callback is Twilio's, not that every value fits our columns:
numbers must be plain ASCII digits within the column's range (Python's int() also takes "٣",
"1_000" or " 7 ", and isdigit() takes "²"), times must carry a zone, text has no NUL.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from coaching.video.models import ParticipantEvent, RoomSettings

COLUMN_MAX = 2**31 - 1  # PositiveIntegerField is a PostgreSQL integer
ASCII_NUMBER = re.compile(r"[0-9]{1,10}")
EARLIEST, LATEST = 2000, 2100  # years a callback can be from; outside them it is garbage


class AsciiNumberField(forms.Field):
    """A whole number of ASCII digits between 0 and COLUMN_MAX, nothing else."""

    default_error_messages = {"invalid": _("Enter a whole number.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not ASCII_NUMBER.fullmatch(str(value)) or int(value) > COLUMN_MAX:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(value)


class TwilioTimestampField(forms.Field):
    """An ISO 8601 time with its zone, as Twilio sends it ("2026-06-02T08:00:00.000Z")."""

    default_error_messages = {"invalid": _("Enter a date and time with its time zone.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            if len(value) > 40:  # the longest ISO form with microseconds and offset is 32
                raise ValueError("too long")
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            if moment.tzinfo is None:
                raise ValueError("no zone")
            moment = moment.astimezone(UTC)
        except (ValueError, OverflowError) as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error
        if not EARLIEST <= moment.year <= LATEST:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return moment


class RoomCallbackForm(forms.Form):
    """One status callback. Events we do not record need only their name; for the ones we
    record, the sequence number and time are required too."""

    StatusCallbackEvent = forms.CharField(max_length=64)
    RoomName = forms.CharField(max_length=128, required=False)
    ParticipantIdentity = forms.CharField(max_length=128, required=False)
    ParticipantSid = forms.CharField(max_length=64, required=False)
    ParticipantDuration = AsciiNumberField(required=False)
    SequenceNumber = AsciiNumberField(required=False)
    Timestamp = TwilioTimestampField(required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("StatusCallbackEvent") in ParticipantEvent.Kind.values:
            for name in ("RoomName", "SequenceNumber", "Timestamp"):
                if cleaned.get(name) in (None, "") and name not in self.errors:
                    message = self.fields[name].error_messages["required"]
                    self.add_error(name, ValidationError(message, code="required"))
        return cleaned


class RoomSettingsForm(forms.ModelForm):
    no_show_refund_percent = forms.IntegerField(
        label=_("Refund for a no-show (percent of the price)"),
        min_value=0,
        max_value=100,
        help_text=_("0 means no refund when a client does not come; 50 gives half back."),
    )

    class Meta:
        model = RoomSettings
        fields = ["waiting_note", "auto_admit", "no_show_refund_percent"]
        widgets = {"waiting_note": forms.Textarea(attrs={"rows": 3, "maxlength": 300})}
        help_texts = {
            "waiting_note": _("A waiting client reads this, e.g. “I’ll let you in at the start.”"),
            "auto_admit": _("Otherwise you let each client in yourself."),
        }
