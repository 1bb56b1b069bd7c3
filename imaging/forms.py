"""The capture page's details form: labels, choices and widgets for the phone.

The page posts these fields, one request per photo, to the same upload view the API
uses; the API's serializer validates them, so the rules live in one place.
"""

from typing import Any

from django import forms

from imaging import bodysites
from imaging.models import ClinicalImage
from imaging.services.capture import CONSENT_KIND_REQUIRED, CONSENT_PURPOSES_REQUIRED
from records.forms import DATE_FORMATS, DateInput, EncounterChoiceField
from records.models import Encounter, Patient

PURPOSE_CHOICES = [
    ("care", "Clinical care"),
    ("teaching", "Teaching"),
    ("publication", "Publication"),
]


class CaptureForm(forms.Form):
    capture_mode = forms.ChoiceField(
        label="How was it taken?",
        choices=ClinicalImage.CaptureMode.choices,
        initial=ClinicalImage.CaptureMode.PERSONAL_MOBILE,
    )
    captured_by_name = forms.CharField(
        label="Taken by another clinician (leave blank if you took it)",
        max_length=200,
        required=False,
    )
    body_site = forms.CharField(
        label="Body site in words (optional: the coded site above is enough)",
        max_length=200,
        required=False,
    )
    view = forms.ChoiceField(
        label="View",
        choices=[("", "Not stated"), *bodysites.VIEWS],
        required=False,
    )
    sensitivity = forms.ChoiceField(
        label="Sensitive image (blurred for everyone until revealed with a reason)",
        choices=[("", "Not sensitive"), *ClinicalImage.Sensitivity.choices],
        required=False,
    )
    laterality = forms.ChoiceField(
        label="Side",
        choices=[("", "Not stated"), *ClinicalImage.Laterality.choices],
        required=False,
    )
    note = forms.CharField(
        label="Note",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # No default: consent is what the patient (or their representative) gave, chosen
    # each time; a pre-filled answer would record consent nobody obtained.
    consent_kind = forms.ChoiceField(
        label="Consent",
        choices=[
            ("", "Choose the consent obtained"),
            *ClinicalImage.ConsentKind.choices,
        ],
        error_messages={"required": CONSENT_KIND_REQUIRED},
    )
    consent_purposes = forms.MultipleChoiceField(
        label="Consent covers",
        choices=PURPOSE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": CONSENT_PURPOSES_REQUIRED},
    )


class WristbandForm(forms.Form):
    """The "Confirm the wristband" step, for a patient whose facility asks for it.

    Kept out of CaptureForm so the page can place it outside the patient search (which a
    hand-off hides); its input joins the details form through the form= attribute.
    """

    wristband = forms.CharField(
        label="Wristband barcode or MRN",
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "form": "capture-details",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "aria-describedby": "wristband-hint wristband-problem",
            }
        ),
    )

    def __init__(self, *, is_required: bool) -> None:
        super().__init__()
        self.fields["wristband"].required = is_required


class GalleryFilterForm(forms.Form):
    body_site = forms.ChoiceField(label="Body site", required=False)
    laterality = forms.ChoiceField(
        label="Side",
        required=False,
        choices=[("", "Any side"), *ClinicalImage.Laterality.choices],
    )
    encounter = EncounterChoiceField(
        label="Encounter",
        queryset=Encounter.objects.none(),
        required=False,
        to_field_name="public_id",
        empty_label="All encounters",
    )
    capture_mode = forms.ChoiceField(
        label="Capture mode",
        required=False,
        choices=[("", "All modes"), *ClinicalImage.CaptureMode.choices],
    )
    captured_from = forms.DateField(
        label="From", required=False, input_formats=DATE_FORMATS, widget=DateInput()
    )
    captured_to = forms.DateField(
        label="To", required=False, input_formats=DATE_FORMATS, widget=DateInput()
    )

    def __init__(
        self,
        *args: Any,
        patient: Patient,
        body_sites: list[str],
        coded_sites: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # Coded sites (SNOMED CT) first, then the words written (older images).
        written = [(site, site) for site in body_sites]
        groups: list[Any] = [("Coded sites", coded_sites)] if coded_sites else []
        if groups and written:
            groups.append(("As written", written))
        self.fields["body_site"].choices = [  # type: ignore[attr-defined]
            ("", "All body sites"),
            *(groups or written),
        ]
        self.fields["encounter"].queryset = (  # type: ignore[attr-defined]
            patient.encounters.select_related("ward").order_by("-started_at")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("captured_from"), data.get("captured_to")
        if start and end and end < start:
            self.add_error("captured_to", "The end date is before the start date.")
        return data
