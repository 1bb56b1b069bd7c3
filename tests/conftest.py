"""The named cast and shared fixtures (STYLE.md: nurse, outsider, records_manager, ...)."""

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth.models import User

from accounts.roles import Role
from config.celery import app as celery_app
from imaging.models import ClinicalImage
from records.models import Facility, FacilityAssignment, Patient, Ward
from tests.factories import (
    EncounterFactory,
    FacilityFactory,
    PatientFactory,
    UserFactory,
    WardFactory,
    api_key_for,
    capture,
    staff_on,
)

if TYPE_CHECKING:
    from tests.oidc_provider import Provider
    from tests.s3 import S3Server


@pytest.fixture(autouse=True)
def _isolated_storage(settings: Any, tmp_path: Path) -> None:
    """Each test stores objects (and exports its register) in its own folder, so
    leftovers are visible to it."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CUSTODIAN_REGISTER_EXPORT_DIR = tmp_path / "register"


@pytest.fixture(autouse=True)
def _tasks_inline(request: pytest.FixtureRequest) -> Iterator[None]:
    """Run Celery tasks inline: a worker could not see the test's uncommitted rows.

    Tests marked real_worker exercise actual workers against the configured broker.
    """
    if request.node.get_closest_marker("real_worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def media_root(settings: Any) -> Path:
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def facility(db: None) -> Facility:
    return FacilityFactory(code="RHH", name="Royal Harbour Hospital")


@pytest.fixture
def ward(facility: Facility) -> Ward:
    return WardFactory(facility=facility, code="SURG5A", name="Ward 5A Surgical")


@pytest.fixture
def other_ward(facility: Facility) -> Ward:
    return WardFactory(facility=facility, code="ORTHO", name="Orthopaedics")


@pytest.fixture
def nurse(ward: Ward) -> User:
    return staff_on(ward, username="nurse")


@pytest.fixture
def outsider(other_ward: Ward) -> User:
    """Ward staff, but on another ward: a curious colleague."""
    return staff_on(other_ward, username="outsider")


def _facility_role(username: str, role: Role, facility: Facility) -> User:
    user = UserFactory(username=username, role=role)
    FacilityAssignment.objects.create(user=user, facility=facility)
    return user


@pytest.fixture
def records_manager(facility: Facility) -> User:
    return _facility_role("records.manager", Role.RECORDS_MANAGER, facility)


@pytest.fixture
def records_manager2(facility: Facility) -> User:
    return _facility_role("records.manager2", Role.RECORDS_MANAGER, facility)


@pytest.fixture
def legal_officer(facility: Facility) -> User:
    return _facility_role("legal.officer", Role.LEGAL, facility)


@pytest.fixture
def privacy_officer(facility: Facility) -> User:
    return _facility_role("privacy.officer", Role.PRIVACY_OFFICER, facility)


@pytest.fixture
def administrator(db: None) -> User:
    return UserFactory(username="admin", role=Role.ADMINISTRATOR, is_staff=True)


@pytest.fixture
def patient(ward: Ward) -> Patient:
    """A patient currently on the nurse's ward."""
    current = PatientFactory(
        facility=ward.facility, family_name="Citizen", given_names="Jane"
    )
    EncounterFactory(patient=current, ward=ward)
    return current


@pytest.fixture
def other_patient(other_ward: Ward) -> Patient:
    """A patient on another ward of the same facility."""
    elsewhere = PatientFactory(facility=other_ward.facility, family_name="Other")
    EncounterFactory(patient=elsewhere, ward=other_ward)
    return elsewhere


@pytest.fixture
def wound_photo(nurse: User, patient: Patient) -> ClinicalImage:
    return capture(
        actor=nurse, patient=patient, body_site="Left forearm", laterality="left"
    )


def _api_client_for(user: User) -> Any:
    """An API client signed in just now with a device token of the user's own."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(user)}")
    return client


@pytest.fixture
def nurse_api(nurse: User) -> Any:
    """An API client signed in as the nurse with a device token."""
    return _api_client_for(nurse)


@pytest.fixture
def legal_api(legal_officer: User) -> Any:
    """An API client signed in as the legal officer (recently: exports ask for that)."""
    return _api_client_for(legal_officer)


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator["S3Server"]:
    """An S3-compatible server (moto) on a free port of 127.0.0.1, for the session."""
    # Imported here: boto3 and moto cost most test runs half a second for nothing.
    from tests.s3 import running_s3_server

    with running_s3_server(tmp_path_factory.mktemp("s3-probe")) as server:
        yield server


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator["Provider"]:
    """A real OpenID provider process (tests/oidc_provider.py) for the session."""
    from tests.oidc_provider import running_provider

    with running_provider("custodian", "provider-test-secret") as provider:
        yield provider


@pytest.fixture
def oidc(oidc_provider: "Provider", settings: Any) -> Iterator["Provider"]:
    """Custodian configured for the test provider, which starts with no accounts."""
    from accounts.oidc import forget_provider

    oidc_provider.control("reset")
    settings.CUSTODIAN_OIDC_ISSUER = oidc_provider.issuer
    settings.CUSTODIAN_OIDC_CLIENT_ID = oidc_provider.client_id
    settings.CUSTODIAN_OIDC_CLIENT_SECRET = oidc_provider.client_secret
    settings.CUSTODIAN_OIDC_NAME = "Hospital ID"
    settings.CUSTODIAN_OIDC_ROLE_MAP = {
        "nurse": "ward_staff",
        "records": "records_manager",
        "legal": "legal",
        "privacy": "privacy_officer",
        "it-admin": "administrator",
    }
    forget_provider()
    yield oidc_provider
    forget_provider()


def _is_transactional(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    names = {"transactional_db", "live_server", "django_db_reset_sequences"}
    return bool(
        (
            marker
            and (
                marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
            )
        )
        or names & set(request.fixturenames)
    )


@pytest.fixture(autouse=True)
def _audit_trail_emptied_before_flush(
    request: pytest.FixtureRequest, django_db_blocker: Any
) -> Iterator[None]:
    """A transactional test ends by emptying every table, which the audit trail's
    triggers refuse while it holds events: empty it first, as the table's owner can."""
    if not _is_transactional(request):
        yield
        return
    # Requested first so that its flush runs after this fixture's teardown.
    request.getfixturevalue("_django_db_helper")
    yield
    from django.db import connection, transaction

    triggers = importlib.import_module("audit.migrations.0003_append_only_triggers")
    with django_db_blocker.unblock(), transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cur.execute("DELETE FROM audit_auditevent")
            cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        else:
            # SQLite cannot disable a trigger: drop and recreate it.
            for statement in triggers.SQLITE_BACKWARD:
                cur.execute(statement)
            cur.execute("DELETE FROM audit_auditevent")
            for statement in triggers.SQLITE_FORWARD:
                cur.execute(statement)


@pytest.fixture(autouse=True)
def _mfa_only_where_asked(request: pytest.FixtureRequest, settings: Any) -> None:
    """MFA is on by default; tests not marked `mfa` sign in with a password alone."""
    if not request.node.get_closest_marker("mfa"):
        settings.CUSTODIAN_MFA_REQUIRED = False


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    """Sign-in and API rate counters live in the cache: each test starts with none used."""
    from django.core.cache import cache

    cache.clear()
