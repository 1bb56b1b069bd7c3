"""factory_boy factories for the domain. Images are made through the real ingest service."""

import io
from datetime import timedelta
from typing import Any

import factory
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.utils import timezone
from PIL import Image

from accounts.models import ApiToken
from accounts.roles import Role
from accounts.rolesync import ensure_roles
from imaging.models import ClinicalImage
from imaging.services import CaptureDetails, capture_image
from records.models import Encounter, Facility, Patient, StaffMembership, Ward

PASSWORD = "correct-horse-battery-staple"


class FacilityFactory(factory.django.DjangoModelFactory[Facility]):
    class Meta:
        model = Facility
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"F{n:03d}")
    name = factory.LazyAttribute(lambda o: f"{o.code} Hospital")
    jurisdiction = "NSW"
    sector = "public"
    electronic_record = True
    time_zone = "Australia/Sydney"


class WardFactory(factory.django.DjangoModelFactory[Ward]):
    class Meta:
        model = Ward

    facility = factory.SubFactory(FacilityFactory)
    code = factory.Sequence(lambda n: f"W{n:03d}")
    name = factory.LazyAttribute(lambda o: f"Ward {o.code}")


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create: bool, extracted: Role | None, **kwargs: Any) -> None:
        if extracted:
            ensure_roles()
            self.groups.add(Group.objects.get(name=extracted))
        self.save()


class PatientFactory(factory.django.DjangoModelFactory[Patient]):
    class Meta:
        model = Patient

    facility = factory.SubFactory(FacilityFactory)
    mrn = factory.Sequence(lambda n: f"{500000 + n}")
    family_name = factory.Sequence(lambda n: f"Testpatient{n}")
    given_names = "Alex"
    date_of_birth = factory.LazyFunction(
        lambda: timezone.localdate() - timedelta(days=40 * 365)
    )
    sex = "female"


class EncounterFactory(factory.django.DjangoModelFactory[Encounter]):
    class Meta:
        model = Encounter

    patient = factory.SubFactory(PatientFactory)
    ward = factory.SubFactory(WardFactory)
    started_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    ended_at = None


def api_key_for(user: User, *, device: str = "Test phone") -> str:
    """The key of a token the user's device holds from a sign-in before the test began.

    Made as POST /api/token/ makes it (hashed by knox, CUSTODIAN_API_TOKEN_HOURS long)
    but without that sign-in's audit event, so tests can assert that nothing was audited.
    """
    lifetime = timedelta(hours=settings.CUSTODIAN_API_TOKEN_HOURS)
    _, key = ApiToken.objects.create(user=user, expiry=lifetime, device=device)
    return str(key)


def staff_on(ward: Ward, *, username: str, role: Role = Role.WARD_STAFF) -> User:
    user = UserFactory(username=username, role=role)
    StaffMembership.objects.create(user=user, ward=ward)
    return user


def jpeg_bytes(
    size: tuple[int, int] = (640, 480), color: str = "salmon", **save: Any
) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG", **save)
    return out.getvalue()


def capture(
    *, actor: User, patient: Patient, data: bytes | None = None, **fields: Any
) -> ClinicalImage:
    """Store an image through the real ingest service."""
    details = CaptureDetails(
        capture_mode=fields.pop("capture_mode", "personal_mobile"),
        consent_kind=fields.pop("consent_kind", "verbal"),
        **fields,
    )
    result = capture_image(
        actor=actor,
        patient=patient,
        upload=io.BytesIO(data if data is not None else jpeg_bytes()),
        details=details,
        channel=ClinicalImage.Channel.API,
    )
    return result.image
