"""Facilities, wards, who works where, patients and their encounters."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class Jurisdiction(models.TextChoices):
    NSW = "NSW", "New South Wales"
    VIC = "VIC", "Victoria"
    QLD = "QLD", "Queensland"
    WA = "WA", "Western Australia"
    SA = "SA", "South Australia"
    TAS = "TAS", "Tasmania"
    ACT = "ACT", "Australian Capital Territory"
    NT = "NT", "Northern Territory"


class RecordClass(models.TextChoices):
    """The kind of record a retention schedule dates (deceased is a trigger, not a class)."""

    ADMITTED = "admitted", "Admitted (general)"
    NON_ADMITTED = "non_admitted", "Non-admitted or outpatient"
    EMERGENCY = "emergency", "Emergency"
    OBSTETRIC = "obstetric", "Obstetric or maternity"
    NEWBORN = "newborn", "Newborn"
    MENTAL_HEALTH = "mental_health", "Mental health"
    GENETIC = "genetic", "Genetic"
    ABUSE = "abuse", "Sexual assault or abuse"


class Sector(models.TextChoices):
    PUBLIC = "public", "Public"
    PRIVATE = "private", "Private"


# Australian zones differ in offset and daylight saving: Perth is not Sydney.
TIME_ZONES = [
    ("Australia/Sydney", "Sydney, Canberra (AEST/AEDT)"),
    ("Australia/Melbourne", "Melbourne (AEST/AEDT)"),
    ("Australia/Hobart", "Hobart (AEST/AEDT)"),
    ("Australia/Brisbane", "Brisbane (AEST)"),
    ("Australia/Adelaide", "Adelaide (ACST/ACDT)"),
    ("Australia/Darwin", "Darwin (ACST)"),
    ("Australia/Perth", "Perth (AWST)"),
]


class Facility(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(
        max_length=10, unique=True, help_text="Short code, e.g. RHH."
    )
    name = models.CharField(max_length=200)
    jurisdiction = models.CharField(max_length=3, choices=Jurisdiction.choices)
    sector = models.CharField(max_length=7, choices=Sector.choices)
    electronic_record = models.BooleanField(
        default=True,
        help_text="False for a paper record: every image is printed for the paper file.",
    )
    time_zone = models.CharField(max_length=40, choices=TIME_ZONES)
    requires_wristband_scan = models.BooleanField(
        default=False,
        help_text="Capture asks for the patient's wristband barcode and refuses a mismatch.",
    )

    class Meta:
        verbose_name_plural = "facilities"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(jurisdiction__in=Jurisdiction.values),
                name="facility_jurisdiction_valid",
            ),
            models.CheckConstraint(
                condition=Q(sector__in=Sector.values), name="facility_sector_valid"
            ),
            models.CheckConstraint(
                condition=~Q(code=""), name="facility_code_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Ward(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="wards"
    )
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    record_class = models.CharField(
        max_length=13,
        choices=RecordClass.choices,
        default=RecordClass.ADMITTED,
        db_default=RecordClass.ADMITTED,
        help_text="The records its encounters make, e.g. obstetric for a maternity ward.",
    )

    class Meta:
        ordering = ["facility__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "code"], name="ward_code_unique"
            ),
            models.CheckConstraint(condition=~Q(code=""), name="ward_code_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.facility.code})"


class StaffMembership(models.Model):
    """A user works on a ward and so may see that ward's current patients."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="memberships")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "ward"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.ward}"


class FacilityAssignment(models.Model):
    """A records manager, privacy officer or legal officer works for a whole facility."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="facility_assignments",
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="assignments"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "facility"], name="assignment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.facility}"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other / indeterminate"
    UNKNOWN = "unknown", "Not stated"


class Patient(models.Model):
    Sex = Sex

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, related_name="patients"
    )
    mrn = models.CharField("MRN", max_length=20)
    family_name = models.CharField(max_length=100)
    given_names = models.CharField(max_length=200, blank=True)
    # Unknown dates of birth happen (unidentified patients); retention then keeps images.
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=7, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_death = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by a PAS merge (A40): this record lives on in the survivor; its MRN finds it.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The message time (MSH-7/EVN-2) of the last demographics applied from the feed:
    # an older message never overwrites newer data.
    demographics_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["family_name", "given_names"]
        permissions = [
            ("break_glass", "Open a patient outside one's wards, giving a reason"),
            ("review_break_glass", "Review break-the-glass access"),
            ("manage_retention", "Edit retention rules and medico-legal flags"),
            ("manage_legal_holds", "Place and release legal holds"),
            ("approve_disposal", "Review and approve disposal batches"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "mrn"], name="patient_mrn_unique"
            ),
            models.CheckConstraint(condition=~Q(mrn=""), name="patient_mrn_not_empty"),
            models.CheckConstraint(
                condition=~Q(family_name=""), name="patient_family_name_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(date_of_death__isnull=True)
                | Q(date_of_birth__isnull=True)
                | Q(date_of_death__gte=F("date_of_birth")),
                name="patient_death_after_birth",
            ),
            models.CheckConstraint(
                condition=Q(sex__in=Sex.values), name="patient_sex_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["facility", "family_name", "given_names"]),
            models.Index(fields=["date_of_birth"]),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.mrn})"

    @property
    def full_name(self) -> str:
        return f"{self.family_name.upper()}, {self.given_names}".rstrip(", ")


class IdentifierType(models.TextChoices):
    MRN = "MR", "Medical record number"
    IHI = "NI", "Individual Healthcare Identifier"


class PatientIdentifier(models.Model):
    """An identifier the PAS sent for the patient (PID-3): the MRN, the IHI."""

    Type = IdentifierType

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="identifiers"
    )
    type = models.CharField(max_length=2, choices=IdentifierType.choices)
    # Who issued it: the facility's code for an MRN, AUSHIC for an IHI.
    system = models.CharField(max_length=40)
    value = models.CharField(max_length=40)

    class Meta:
        ordering = ["type", "system"]
        constraints = [
            models.UniqueConstraint(
                fields=["type", "system", "value"], name="patient_identifier_unique"
            ),
            models.CheckConstraint(
                condition=Q(type__in=IdentifierType.values),
                name="patient_identifier_type_valid",
            ),
            models.CheckConstraint(
                condition=~Q(value=""), name="patient_identifier_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.system} {self.value}"


class Encounter(models.Model):
    """An occasion of service on a ward; the latest one drives retention."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="encounters"
    )
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="encounters")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    # The PAS's visit number (PV1-19); blank for encounters keyed in by hand.
    # db_default: rows written without it (older code mid-upgrade, bulk loads) get "".
    visit_number = models.CharField(
        max_length=40, blank=True, db_index=True, db_default=""
    )

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=F("started_at")),
                name="encounter_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["ward", "ended_at"]),
            models.Index(fields=["patient", "-started_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.patient} on {self.ward} from {self.started_at:%d/%m/%Y}"


class WardStay(models.Model):
    """A ward an encounter left on a transfer (A02): it keeps access for the window."""

    encounter = models.ForeignKey(
        Encounter, on_delete=models.PROTECT, related_name="ward_stays"
    )
    # The encounter's patient, kept here so the access rule needs no join.
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()

    class Meta:
        ordering = ["started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gte=F("started_at")),
                name="ward_stay_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["ward", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.patient} on {self.ward} until {self.ended_at:%d/%m/%Y}"


class BreakGlassReason(models.TextChoices):
    EMERGENCY = "emergency", "Emergency care"
    CONSULT = "consult", "Consultation or referral from the treating team"
    TRANSFER = "transfer", "Patient being transferred to my ward"
    CONTINUITY = "continuity", "Follow-up of care I gave"
    OTHER = "other", "Other (explain below)"


class BreakGlassReview(models.TextChoices):
    PENDING = "pending", "Awaiting review"
    APPROPRIATE = "appropriate", "Appropriate"
    REFERRED = "referred", "Referred for investigation"


class BreakGlassAccess(models.Model):
    """A user opened a patient outside their wards, for a stated reason, for a while."""

    Reason = BreakGlassReason
    Review = BreakGlassReview

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="break_glass_accesses"
    )
    reason_code = models.CharField(max_length=12, choices=BreakGlassReason.choices)
    reason_text = models.TextField(max_length=1000)
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    review_status = models.CharField(
        max_length=12,
        choices=BreakGlassReview.choices,
        default=BreakGlassReview.PENDING,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-granted_at"]
        verbose_name = "break-the-glass access"
        verbose_name_plural = "break-the-glass accesses"
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason_text=""), name="break_glass_reason_given"
            ),
            models.CheckConstraint(
                condition=Q(reason_code__in=BreakGlassReason.values),
                name="break_glass_reason_valid",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("granted_at")),
                name="break_glass_expires_after_grant",
            ),
            # A review always says who and when; a pending access has neither.
            models.CheckConstraint(
                condition=(
                    Q(review_status="pending")
                    & Q(reviewed_by__isnull=True)
                    & Q(reviewed_at__isnull=True)
                )
                | (
                    Q(review_status__in=["appropriate", "referred"])
                    & Q(reviewed_by__isnull=False)
                    & Q(reviewed_at__isnull=False)
                ),
                name="break_glass_review_complete",
            ),
        ]
        indexes = [
            # The access rule asks: does this user hold an unexpired grant?
            models.Index(
                fields=["user", "expires_at", "patient"], name="break_glass_user_live"
            ),
            models.Index(
                fields=["review_status", "granted_at"], name="break_glass_queue"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} opened {self.patient} ({self.reason_code})"

    @property
    def is_pending(self) -> bool:
        return self.review_status == BreakGlassReview.PENDING
