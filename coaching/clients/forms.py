from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coaching.clients.models import MESSAGE_MAX_CHARS, NOTE_MAX_CHARS, TASK_TEXT_MAX_CHARS
from coaching.clients.text import validate_plain_text
from coaching.clients.uploads import CheckedFile, check_upload

if TYPE_CHECKING:
    from coaching.bookings.models import Booking

MAX_ATTACHMENTS = 3


class PlainTextField(forms.CharField):
    default_validators = [validate_plain_text]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadField(forms.FileField):
    """A file checked by its content (uploads.check_upload); cleans to a CheckedFile."""

    def clean(self, data: Any, initial: Any = None) -> CheckedFile | None:
        upload = super().clean(data, initial)
        return check_upload(upload) if upload else None


class AttachmentsField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[CheckedFile]:
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(uploads) > MAX_ATTACHMENTS:
            raise ValidationError(
                _("Please attach at most %(count)s files to one message."),
                params={"count": MAX_ATTACHMENTS},
            )
        single = forms.FileField(required=False)
        return [check_upload(single.clean(upload)) for upload in uploads if upload is not None]


class MessageForm(forms.Form):
    text = PlainTextField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachments = AttachmentsField(label=_("Attach files"), required=False)


class NoteForm(forms.Form):
    text = PlainTextField(
        label=_("Note"),
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Only you can read this. **bold**, *italic*, lines starting with - as a list."),
    )
    booking = forms.TypedChoiceField(
        label=_("Session"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, sessions: Iterable[Booking] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        booking = cast(forms.TypedChoiceField, self.fields["booking"])  # declared above
        booking.choices = [("", _("About the client in general"))] + [
            (b.pk, timezone.localtime(b.start).strftime("%d.%m.%Y %H:%M")) for b in sessions
        ]


class TaskForm(forms.Form):
    title = PlainTextField(label=_("Title"), max_length=200)
    description = PlainTextField(
        label=_("Description"),
        max_length=TASK_TEXT_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    due_date = forms.DateField(
        label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    file = UploadField(label=_("File"), required=False)

    def clean_due_date(self) -> date | None:
        due = self.cleaned_data.get("due_date")
        if due is not None and due < timezone.localdate():
            raise ValidationError(_("The due date is in the past."))
        return due


class TaskAnswerForm(forms.Form):
    answer = PlainTextField(
        label=_("Your answer"),
        max_length=TASK_TEXT_MAX_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    done = forms.BooleanField(label=_("Done"), required=False)


class FileForm(forms.Form):
    file = UploadField(label=_("File"))


class CoachSettingsForm(forms.Form):
    office_hours = PlainTextField(
        label=_("Office hours for replies"), max_length=300, required=False
    )
    keep_days_after_end = forms.IntegerField(
        label=_("Days messages and files stay readable after a relationship ends"),
        min_value=0,
        max_value=3650,
        initial=90,
    )


class ClientSearchForm(forms.Form):
    q = forms.CharField(label=_("Search clients"), max_length=100, required=False)
