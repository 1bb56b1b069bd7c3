"""Forms for legal pages: they validate, the services write."""

from typing import Any

from django import forms
from django.contrib.auth.models import User

from legal.models import LegalMatter
from records.selectors import patients_searchable_by


class MatterForm(forms.Form):
    reference = forms.CharField(max_length=100)
    kind = forms.ChoiceField(choices=LegalMatter.Kind.choices)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    court_or_body = forms.CharField(
        max_length=200, required=False, label="Court or body"
    )
    patients = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple, required=False
    )
    images = forms.CharField(
        required=False,
        label="Specific images (record ids, one a line)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    scope_from = forms.DateField(required=False, label="Images captured from")
    scope_to = forms.DateField(required=False, label="Images captured to")

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["patients"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101
        field.choices = [
            (str(p.public_id), f"{p.full_name} (MRN {p.mrn}, {p.facility.code})")
            for p in patients_searchable_by(user).order_by("family_name", "given_names")
        ]

    def clean_images(self) -> list[str]:
        return [
            line.strip() for line in self.cleaned_data["images"].split() if line.strip()
        ]


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
