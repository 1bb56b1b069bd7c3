"""Forms for legal pages: they validate, the services write."""

import re
from typing import Any

from django import forms

from legal.models import LegalMatter
from records.forms import DATE_FORMATS, DateInput


class IdsField(forms.Field):
    """Record ids posted as repeated values (checkboxes) or typed, one or more a value.

    Whether each id names a patient or image the officer may reach is the service's
    question (a wrong id answers as the API does, 404); this only collects them.
    """

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        values = [value] if isinstance(value, str) else list(value or [])
        ids = [part for text in values for part in re.split(r"[\s,;]+", str(text))]
        return list(dict.fromkeys(part for part in ids if part))


class MatterForm(forms.Form):
    reference = forms.CharField(max_length=100)
    kind = forms.ChoiceField(choices=LegalMatter.Kind.choices)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    court_or_body = forms.CharField(
        max_length=200, required=False, label="Court or body"
    )
    # Public ids of patients whose whole record (within the dates) is in scope.
    patients = IdsField(required=False)
    # Public ids of images chosen one by one (picked from a gallery, or typed).
    images = IdsField(required=False, label="Record ids, one a line")
    scope_from = forms.DateField(
        required=False,
        label="Images captured from",
        input_formats=DATE_FORMATS,
        widget=DateInput(),
    )
    scope_to = forms.DateField(
        required=False,
        label="Images captured to",
        input_formats=DATE_FORMATS,
        widget=DateInput(),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("scope_from"), data.get("scope_to")
        if start and end and end < start:
            self.add_error(
                "scope_to",
                f"“Captured to” ({end:%d/%m/%Y}) is before “captured from” "
                f"({start:%d/%m/%Y}): the scope would hold nothing.",
            )
        return data


class ExportForm(forms.Form):
    numbering = forms.ChoiceField(
        choices=[
            ("court", "Australian court form (PARTY.BOX.FOLDER.PAGE)"),
            ("bates", "US Bates numbers"),
        ],
        initial="court",
    )
    party_prefix = forms.CharField(max_length=6, required=False, label="Party prefix")


class ReleaseForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label="Reason for release"
    )
