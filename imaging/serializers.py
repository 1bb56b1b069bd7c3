"""API shapes for patients, uploads, receipts and image metadata (DESIGN.md §6)."""

from typing import Any

from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from imaging import bodysites
from imaging.hooks import is_kept_by
from imaging.models import ClinicalImage
from imaging.services.capture import (
    CONSENT_KIND_REQUIRED,
    CONSENT_PURPOSES_REQUIRED,
    MAX_NOTE,
    PURPOSES,
)
from records.models import Patient, RecordClass

RECEIPT_MESSAGE = (
    "Stored in the patient's health record. Delete the photo from your device now."
)


class PatientSerializer(serializers.ModelSerializer[Patient]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    facility = serializers.CharField(source="facility.name", read_only=True)
    # The capture page reads it to ask for the wristband before it lets a photo go.
    requires_wristband_scan = serializers.BooleanField(
        source="facility.requires_wristband_scan",
        read_only=True,
        help_text="Uploads for this patient need the wristband (field wristband).",
    )

    class Meta:
        model = Patient
        fields = [
            "id",
            "mrn",
            "family_name",
            "given_names",
            "date_of_birth",
            "date_of_death",
            "facility",
            "requires_wristband_scan",
        ]


class ImageUploadSerializer(serializers.Serializer[Any]):
    """The multipart upload; the capture page posts exactly the same fields."""

    file = serializers.FileField(help_text="The photo's bytes, exactly as taken.")
    captured_at = serializers.DateTimeField(
        help_text="ISO 8601 with an offset; not in the future."
    )
    capture_mode = serializers.ChoiceField(choices=ClinicalImage.CaptureMode.choices)
    captured_by_name = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="A clinician without an account here; blank = the caller took it.",
    )
    device = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Blank = read from the photo's EXIF make and model.",
    )
    body_site = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="In words; blank = the coded site's name.",
    )
    body_site_code = serializers.ChoiceField(
        choices=bodysites.CHOICES,
        required=False,
        allow_blank=True,
        help_text="SNOMED CT body structure (imaging.bodysites).",
    )
    laterality = serializers.ChoiceField(
        choices=ClinicalImage.Laterality.choices, required=False, allow_blank=True
    )
    view = serializers.CharField(max_length=100, required=False, allow_blank=True)
    sensitivity = serializers.ChoiceField(
        choices=ClinicalImage.Sensitivity.choices,
        required=False,
        allow_blank=True,
        help_text="Intimate region, child protection or forensic: blurred until revealed.",
    )
    wristband = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="The wristband barcode (or typed MRN), where the facility asks for it.",
    )
    note = serializers.CharField(
        max_length=MAX_NOTE, required=False, allow_blank=True, trim_whitespace=False
    )
    # Required, no default: the consent recorded is the consent obtained.
    consent_kind = serializers.ChoiceField(
        choices=ClinicalImage.ConsentKind.choices,
        error_messages={"required": CONSENT_KIND_REQUIRED},
    )
    consent_purposes = serializers.CharField(
        help_text="Comma list of care, teaching, publication: at least one.",
        error_messages={
            "required": CONSENT_PURPOSES_REQUIRED,
            "blank": CONSENT_PURPOSES_REQUIRED,
        },
    )

    def validate_captured_at(self, value: Any) -> Any:
        if value > timezone.now():
            raise serializers.ValidationError("captured_at cannot be in the future.")
        return value

    def validate_consent_purposes(self, value: str) -> list[str]:
        purposes = [p.strip() for p in value.split(",") if p.strip()]
        unknown = [p for p in purposes if p not in PURPOSES]
        if unknown:
            raise serializers.ValidationError(
                f"Unknown purpose {unknown[0]!r}; choose from {', '.join(PURPOSES)}."
            )
        if not purposes:
            raise serializers.ValidationError(CONSENT_PURPOSES_REQUIRED)
        return purposes


class ImageListFilterSerializer(serializers.Serializer[Any]):
    """What a patient's image list may be narrowed by; an unknown value is a 400."""

    body_site_code = serializers.ChoiceField(
        choices=bodysites.CHOICES,
        required=False,
        help_text="Only images of this SNOMED CT body structure.",
    )
    laterality = serializers.ChoiceField(
        choices=ClinicalImage.Laterality.choices,
        required=False,
        help_text="Only images of this side.",
    )


class PageUploadSerializer(ImageUploadSerializer):
    """The capture page may leave captured_at blank: EXIF DateTimeOriginal, else now."""

    captured_at = serializers.DateTimeField(required=False)


class ExifHintsSerializer(serializers.Serializer[Any]):
    head = serializers.FileField(help_text="The first bytes of a photo.")


class ReceiptSerializer(serializers.ModelSerializer[ClinicalImage]):
    """Given only once the image is committed to the record."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    patient = serializers.UUIDField(source="patient.public_id", read_only=True)
    size = serializers.IntegerField(source="size_bytes", read_only=True)
    stored_at = serializers.DateTimeField(source="uploaded_at", read_only=True)
    message = serializers.SerializerMethodField()
    delete_from_phone = serializers.SerializerMethodField()

    class Meta:
        model = ClinicalImage
        fields = [
            "id",
            "patient",
            "sha256",
            "size",
            "stored_at",
            "message",
            "delete_from_phone",
        ]

    def get_message(self, image: ClinicalImage) -> str:
        return RECEIPT_MESSAGE

    def get_delete_from_phone(self, image: ClinicalImage) -> str:
        """Where the device's app sends the user to delete its copy (absolute URL)."""
        path = reverse("capture:delete-from-phone")
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ImageSerializer(serializers.ModelSerializer[ClinicalImage]):
    id = serializers.UUIDField(source="public_id", read_only=True)
    patient = serializers.UUIDField(source="patient.public_id", read_only=True)
    size = serializers.IntegerField(source="size_bytes", read_only=True)
    captured_by = serializers.CharField(source="photographer", read_only=True)
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    consent_purposes = serializers.ListField(
        child=serializers.CharField(), read_only=True
    )
    sensitive = serializers.BooleanField(source="is_sensitive", read_only=True)
    # Blank means "not sensitive" / "not stated": the schema must allow it.
    sensitivity = serializers.ChoiceField(
        choices=ClinicalImage.Sensitivity.choices, allow_blank=True, read_only=True
    )
    laterality = serializers.ChoiceField(
        choices=ClinicalImage.Laterality.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = ClinicalImage
        fields = [
            "id",
            "patient",
            "sha256",
            "size",
            "content_type",
            "width",
            "height",
            "captured_at",
            "captured_by",
            "capture_mode",
            "device",
            "uploaded_by",
            "uploaded_at",
            "upload_channel",
            "body_site",
            "body_site_code",
            "laterality",
            "view",
            "note",
            "sensitive",
            "sensitivity",
            "consent_kind",
            "consent_purposes",
            "consent_withdrawn_at",
            "retain_until",
            "retention_basis",
        ]
        read_only_fields = fields


class ImageDetailSerializer(ImageSerializer):
    under_hold = serializers.SerializerMethodField()
    # The image's own class, else its encounter ward's, else admitted (retention).
    record_class = serializers.ChoiceField(
        choices=RecordClass.choices,
        source="effective_record_class",
        read_only=True,
    )

    class Meta(ImageSerializer.Meta):
        fields = [*ImageSerializer.Meta.fields, "under_hold", "record_class"]
        read_only_fields = fields

    def get_under_hold(self, image: ClinicalImage) -> bool:
        return is_kept_by(image, "legal_hold")
