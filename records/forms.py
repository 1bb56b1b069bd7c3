"""Forms for browsing and break-the-glass: they validate, they never save."""

from typing import Any

from django import forms

from records.models import BreakGlassAccess, Encounter

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class EncounterChoiceField(forms.ModelChoiceField[Encounter]):
    def label_from_instance(self, obj: Encounter) -> str:
        return f"{obj.ward.name}, from {obj.started_at:%d/%m/%Y}"


class PatientSearchForm(forms.Form):
    q = forms.CharField(
        label="MRN or name",
        required=False,
        max_length=100,
        help_text="An MRN, a family name, or “family, given”.",
    )
    date_of_birth = forms.DateField(
        label="Date of birth",
        required=False,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("q") or "").strip() and not data.get("date_of_birth"):
            raise forms.ValidationError("Enter an MRN, a name or a date of birth.")
        return data


class BreakGlassForm(forms.Form):
    mrn = forms.CharField(label="Patient's MRN", max_length=20)
    reason_code = forms.ChoiceField(
        label="Reason",
        choices=[("", "Choose a reason"), *BreakGlassAccess.Reason.choices],
        error_messages={"required": "Choose the reason you need this record."},
    )
    reason_text = forms.CharField(
        label="Explain why you need this record",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Explain in a few words why you need it."},
    )


class BreakGlassReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[
            (BreakGlassAccess.Review.APPROPRIATE, "Appropriate"),
            (BreakGlassAccess.Review.REFERRED, "Refer for investigation"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
