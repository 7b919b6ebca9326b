"""The coach's editor (a formset of questions, the agreement) and the client's answer form,
built from the version in force. Limits are enforced here so bad input is a 400 with a message,
never a half-saved questionnaire."""

from __future__ import annotations

import io
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from coaching.intake.models import (
    MAX_AGREEMENT_CHARS,
    MAX_AGREEMENT_PDF_BYTES,
    MAX_ANSWER_CHARS,
    MAX_CHOICES,
    MAX_QUESTIONS,
    SCALE,
    IntakeQuestion,
    QuestionKind,
)
from coaching.intake.services import QuestionData

MAX_OPTION_CHARS = 100


class QuestionForm(forms.Form):
    label = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(label=_("Type"), choices=QuestionKind.choices)
    options = forms.CharField(
        label=_("Options (one per line, for choice questions)"),
        required=False,
        max_length=MAX_CHOICES * (MAX_OPTION_CHARS + 2),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    help_text = forms.CharField(label=_("Hint"), max_length=300, required=False)
    required = forms.BooleanField(label=_("Required"), required=False)

    def clean(self):
        data = super().clean()
        options = [line.strip() for line in data.get("options", "").splitlines() if line.strip()]
        if data.get("kind") == QuestionKind.CHOICE:
            if len(options) < 2:
                self.add_error("options", _("A choice question needs at least two options."))
            elif len(options) > MAX_CHOICES:
                self.add_error(
                    "options", _("At most %(max)s options, please.") % {"max": MAX_CHOICES}
                )
            elif any(len(option) > MAX_OPTION_CHARS for option in options):
                self.add_error(
                    "options",
                    _("Each option has at most %(max)s characters.") % {"max": MAX_OPTION_CHARS},
                )
            elif len(set(options)) != len(options):
                self.add_error("options", _("Each option only once, please."))
        else:
            options = []
        data["options"] = options
        return data


class BaseQuestionFormSet(forms.BaseFormSet):
    def questions(self) -> list[QuestionData]:
        """The filled-in rows in the chosen order, without the ones marked for removal."""
        kept = set(self.forms[: self.initial_form_count()])
        rows = [
            form
            for form in self.ordered_forms
            if (form in kept or form.has_changed()) and not self._should_delete_form(form)  # type: ignore[attr-defined]
        ]
        return [
            QuestionData(
                kind=form.cleaned_data["kind"],
                label=form.cleaned_data["label"],
                required=form.cleaned_data["required"],
                help_text=form.cleaned_data["help_text"],
                options=form.cleaned_data["options"],
            )
            for form in rows
        ]


QuestionFormSet = forms.formset_factory(
    QuestionForm,
    formset=BaseQuestionFormSet,
    extra=2,
    can_order=True,
    can_delete=True,
    max_num=MAX_QUESTIONS,
    validate_max=True,
    # A request claiming 10,000 rows builds no more forms than this; validate_max says why.
    absolute_max=MAX_QUESTIONS + 2,
)


def question_initial(version) -> list[dict]:
    if version is None:
        return []
    return [
        {
            "label": q.label,
            "kind": q.kind,
            "options": "\n".join(q.options),
            "help_text": q.help_text,
            "required": q.required,
            "ORDER": q.position + 1,
        }
        for q in version.questions.all()
    ]


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _field_for(question: IntakeQuestion) -> forms.Field:
    common: dict[str, Any] = {
        "label": question.label,
        "required": question.required,
        "help_text": question.help_text,
    }
    if question.kind == QuestionKind.CHOICE:
        return forms.ChoiceField(
            choices=[(o, o) for o in question.options], widget=forms.RadioSelect, **common
        )
    if question.kind == QuestionKind.SCALE:
        return forms.ChoiceField(
            choices=[(str(n), str(n)) for n in SCALE],
            widget=forms.RadioSelect(attrs={"class": "scale"}),
            **common,
        )
    if question.kind == QuestionKind.YES_NO:
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **common)
    return forms.CharField(
        max_length=MAX_ANSWER_CHARS, widget=forms.Textarea(attrs={"rows": 4}), **common
    )


class AnswerForm(forms.Form):
    """One field per question of the version in force (`q<id>`), in its order."""

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.questions = list(version.questions.all())
        for question in self.questions:
            self.fields[f"q{question.pk}"] = _field_for(question)

    def answers(self) -> dict[int, str]:
        """Question id → answer; questions left empty are not stored."""
        return {
            q.pk: self.cleaned_data[f"q{q.pk}"]
            for q in self.questions
            if self.cleaned_data.get(f"q{q.pk}")
        }


class AgreementForm(forms.Form):
    text = forms.CharField(
        label=_("Agreement text"),
        required=False,
        max_length=MAX_AGREEMENT_CHARS,
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    upload = forms.FileField(
        label=_("Or upload a PDF or a text file"),
        required=False,
        help_text=_("At most 5 MB."),
    )

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload is None:
            return None
        if upload.size > MAX_AGREEMENT_PDF_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        content = upload.read()
        # By content, not by name or the browser's type: a PDF starts with its header and
        # pypdf can read its pages; text is UTF-8 without control bytes.
        if content.startswith(b"%PDF-"):
            try:
                pages = len(PdfReader(io.BytesIO(content)).pages)
            except (PyPdfError, ValueError, KeyError, TypeError, OSError):
                pages = 0
            if not pages:
                raise forms.ValidationError(_("This PDF cannot be read."))
            return ("pdf", content)
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = None
        if text is None or any(ord(c) < 32 and c not in "\n\r\t" for c in text):
            raise forms.ValidationError(_("Please upload a PDF or a plain text file."))
        if len(text) > MAX_AGREEMENT_CHARS:
            raise forms.ValidationError(
                _("The text has more than %(max)s characters.") % {"max": MAX_AGREEMENT_CHARS}
            )
        return ("text", text)

    def clean(self):
        data = super().clean()
        upload = data.get("upload")
        if upload and data.get("text", "").strip():
            raise forms.ValidationError(_("Please either write the text or upload a file."))
        if not upload and not data.get("text", "").strip() and not self.errors:
            raise forms.ValidationError(
                _("Please write the text or upload a file (or remove the agreement).")
            )
        return data

    def content(self) -> tuple[str, bytes | None]:
        """(text, pdf bytes) to publish."""
        upload = self.cleaned_data.get("upload")
        if upload and upload[0] == "pdf":
            return "", upload[1]
        if upload:
            return upload[1], None
        return self.cleaned_data["text"], None


class AcceptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    accept = forms.BooleanField(
        label=_("I have read the coaching agreement and accept it."), required=True
    )
