from django import forms
from django.utils.translation import gettext_lazy as _


class AcceptForm(forms.Form):
    """Acceptance of new terms/privacy versions; one checkbox per pending document."""

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = documents
        for document in documents:
            self.fields[document.kind] = forms.BooleanField(
                label=_("I accept “%(title)s” (version %(version)s).")
                % {"title": document.title, "version": document.version},
                required=True,
            )
