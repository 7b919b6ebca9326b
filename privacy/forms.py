from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from privacy.models import LegalDocument


class AcceptForm(forms.Form):
    """Acceptance of new terms/privacy versions; one checkbox per pending document."""

    def __init__(self, *args: Any, documents: Sequence[LegalDocument], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.documents = documents
        for document in documents:
            self.fields[document.kind] = forms.BooleanField(
                label=_("I accept “%(title)s” (version %(version)s).")
                % {"title": document.title, "version": document.version},
                required=True,
            )


class SupportForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=120)
    email = forms.EmailField(label=_("E-mail address"))
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(label=_("Your question"), max_length=5000, widget=forms.Textarea)


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account and my data will be deleted permanently."),
    )
