"""Forms for the retention pages: they validate, services write."""

from typing import Any

from django import forms

from records.models import Jurisdiction, RecordClass, Sector
from retention.models import (
    Combine,
    MedicoLegalFlag,
    RetentionRule,
    RetentionTrigger,
)
from retention.rules import RULE_FIELDS

INDEFINITE = RetentionTrigger.INDEFINITE.value
# No Australian schedule keeps a record longer than a lifetime; a longer figure is a typo.
MAX_YEARS = 150


def _period(value: object) -> int:
    years = int(str(value or 0))
    if years > MAX_YEARS:
        raise forms.ValidationError(
            f'At most {MAX_YEARS} years: for longer, choose "Kept indefinitely".'
        )
    return years


class RuleForm(forms.ModelForm[RetentionRule]):
    reason = forms.CharField(
        label="Reason for the change", max_length=500, required=False
    )

    class Meta:
        model = RetentionRule
        # Clearing needs_verification is its own audited act (verify_retention_rule).
        fields = [f for f in RULE_FIELDS if f != "needs_verification"]
        labels = {"years": "Years (or age)", "second_years": "Second years (or age)"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["combine"].required = False
        self.fields["second_years"].required = False

    def clean_years(self) -> int:
        return _period(self.cleaned_data.get("years"))

    def clean_second_years(self) -> int:
        return _period(self.cleaned_data.get("second_years"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Said here in words, before the model's constraint would name itself.
        if data.get("trigger") not in (None, INDEFINITE) and data.get("years") == 0:
            self.add_error(
                "years",
                'Give a period of at least 1 year, or choose "Kept indefinitely".',
            )
        return data

    def clean_combine(self) -> str:
        return str(self.cleaned_data.get("combine") or Combine.LATER_OF)


class VerifyForm(forms.Form):
    source_title = forms.CharField(label="Title of the authorised text", max_length=300)
    source_version = forms.CharField(label="Its version or date", max_length=100)
    clause = forms.CharField(label="Class or clause", max_length=100)
    reason = forms.CharField(label="Reason", max_length=1000)


class PreviewForm(forms.Form):
    """The facts of a record, for "until when must we keep it?" (all dates optional)."""

    jurisdiction = forms.ChoiceField(choices=Jurisdiction.choices)
    sector = forms.ChoiceField(choices=Sector.choices)
    record_class = forms.ChoiceField(
        choices=RecordClass.choices, required=False, initial=RecordClass.ADMITTED
    )
    date_of_birth = forms.DateField(required=False)
    first_service = forms.DateField(required=False)
    last_service = forms.DateField(required=False)
    date_of_death = forms.DateField(required=False)

    def clean_record_class(self) -> str:
        return str(self.cleaned_data.get("record_class") or RecordClass.ADMITTED)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=1000)


class RemoveItemsForm(ReasonForm):
    images = forms.TypedMultipleChoiceField(coerce=int, label="Images to keep")


class FlagForm(forms.Form):
    mrn = forms.CharField(label="Patient MRN", max_length=20)
    kind = forms.ChoiceField(choices=MedicoLegalFlag.Kind.choices)
    reason = forms.CharField(label="Reason", max_length=1000)
