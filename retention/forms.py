"""Forms for the retention pages: they validate, services write."""

from django import forms

from retention.models import MedicoLegalFlag, RetentionRule
from retention.rules import RULE_FIELDS


class RuleForm(forms.ModelForm[RetentionRule]):
    reason = forms.CharField(
        label="Reason for the change", max_length=500, required=False
    )

    class Meta:
        model = RetentionRule
        fields = RULE_FIELDS
        labels = {"years": "Years (or age)"}


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Reason", max_length=1000)


class RemoveItemsForm(ReasonForm):
    images = forms.TypedMultipleChoiceField(coerce=int, label="Images to keep")


class FlagForm(forms.Form):
    mrn = forms.CharField(label="Patient MRN", max_length=20)
    kind = forms.ChoiceField(choices=MedicoLegalFlag.Kind.choices)
    reason = forms.CharField(label="Reason", max_length=1000)
