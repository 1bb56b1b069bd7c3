"""A hospital network's worth of rows, made in minutes: 100,000 patients, 1,000,000 images.

PostgreSQL only: rows are made by INSERT ... SELECT over generate_series, never by per-row
ORM saves. Images have no stored bytes (storage_name points nowhere): the benchmarks that
use this measure queries, not decryption. Idempotent: a second call finds the rows there.

Shape, chosen to resemble real use:
- two facilities (NSW electronic, WA paper), ten wards each;
- every patient has one or two encounters; about 5% are on a ward now;
- one "heavy" patient on the bench nurse's ward with HEAVY_IMAGES images (a long-stay burns
  patient photographed daily), the rest spread evenly;
- retain_until spread over the past and future, so a sweep finds a realistic due set.

BENCH_PATIENTS and BENCH_IMAGES change the size (every benchmark reads them here, so a
small run stays small throughout). How long the images took to make is kept in the bench
database itself (bench_datagen_made), so a later run reports that measured time rather than
the moment it took to find the rows already there.
"""

import os
import time
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db import connection, transaction

from accounts.roles import Role
from accounts.rolesync import ensure_roles
from records.models import Facility, FacilityAssignment, Patient, StaffMembership, Ward

MRN_PREFIX = "B"
HEAVY_IMAGES = 5000
PATIENTS = int(os.environ.get("BENCH_PATIENTS", "100000"))
IMAGES = int(os.environ.get("BENCH_IMAGES", "1000000"))


@dataclass(frozen=True)
class Dataset:
    nurse: User
    records_manager: User
    heavy_patient: Patient
    patients: int
    images: int
    # Seconds it took to make the dataset when it was made (None if that went unrecorded).
    made_seconds: float | None
    made_at: datetime | None
    made_now: bool


def _user(username: str, role: Role) -> User:
    from django.contrib.auth.models import Group

    user, _ = User.objects.get_or_create(username=username)
    user.groups.add(Group.objects.get(name=role))
    return user


def _facilities() -> list[Ward]:
    wards = []
    for code, jurisdiction, tz, electronic in (
        ("BNSW", "NSW", "Australia/Sydney", True),
        ("BWA", "WA", "Australia/Perth", False),
    ):
        facility, _ = Facility.objects.get_or_create(
            code=code,
            defaults={
                "name": f"Bench {jurisdiction} Hospital",
                "jurisdiction": jurisdiction,
                "sector": "public",
                "electronic_record": electronic,
                "time_zone": tz,
            },
        )
        for n in range(10):
            ward, _ = Ward.objects.get_or_create(
                facility=facility,
                code=f"W{n:02d}",
                defaults={"name": f"Bench ward {n}"},
            )
            wards.append(ward)
    return wards


PATIENTS_SQL = """
INSERT INTO records_patient
    (public_id, facility_id, mrn, family_name, given_names, date_of_birth, sex,
     date_of_death, created_at)
SELECT gen_random_uuid(),
       CASE WHEN g %% 4 = 0 THEN %(wa)s ELSE %(nsw)s END,
       %(prefix)s || lpad(g::text, 7, '0'),
       (ARRAY['Anderson','Brown','Campbell','Davies','Edwards','Fraser','Gallagher',
              'Hughes','Ivanov','Jones','Kelly','Lee','Martin','Nguyen','OBrien','Patel',
              'Quinn','Robinson','Singh','Taylor','Walker','Xu','Young','Zhang'])[1 + g %% 24]
           || CASE WHEN g %% 7 = 0 THEN '-' || (g %% 97)::text ELSE '' END,
       (ARRAY['Olivia','Jack','Charlotte','William','Mia','Noah','Amelia','Thomas',
              'Isla','Lucas','Ava','Henry','Grace','Leo'])[1 + g %% 14],
       CASE WHEN g %% 211 = 0 THEN NULL
            ELSE date '1930-01-01' + ((g * 7919) %% 34000) END,
       CASE WHEN g %% 2 = 0 THEN 'female' ELSE 'male' END,
       CASE WHEN g %% 150 = 0 THEN current_date - (g %% 900) ELSE NULL END,
       now()
FROM generate_series(1, %(n)s) AS g
"""

ENCOUNTERS_SQL = """
INSERT INTO records_encounter (public_id, patient_id, ward_id, started_at, ended_at)
SELECT gen_random_uuid(), p.id,
       (%(wards)s::bigint[])[1 + (p.id %% 10) + CASE WHEN p.facility_id = %(wa)s
                                                   THEN 10 ELSE 0 END],
       now() - ((p.id %% 2500) || ' days')::interval - interval '3 days',
       CASE WHEN p.id %% 20 = 0 THEN NULL
            ELSE now() - ((p.id %% 2500) || ' days')::interval END
FROM records_patient p
WHERE p.mrn LIKE %(like)s
"""

IMAGES_SQL = """
INSERT INTO imaging_clinicalimage
    (public_id, patient_id, encounter_id, status, storage_name, sha256, size_bytes,
     content_type, width, height, original_filename, captured_at, captured_by_id,
     captured_by_name, capture_mode, device, uploaded_by_id, uploaded_at, upload_channel,
     idempotency_key, body_site, body_site_code, laterality, view, sensitivity, note,
     consent_kind, consent_for_care,
     consent_for_teaching, consent_for_publication, consent_recorded_by_id, retain_until,
     retention_basis, retention_computed_at, disposed_at)
SELECT gen_random_uuid(), pick.patient_id, NULL, 'active',
       'bench/' || i, encode(sha256(('bench-' || i)::bytea), 'hex'), 2000000 + i %% 1000,
       'image/jpeg', 4032, 3024, '', pick.captured_at, %(user)s, '',
       (ARRAY['personal_mobile','hospital_camera','medical_device','scanned_print',
              'other'])[1 + i %% 5],
       'Bench phone', %(user)s, pick.captured_at + interval '1 hour', 'api', '',
       (ARRAY['Left forearm','Right shin','Sacrum','Left heel','Abdomen'])[1 + i %% 5],
       (ARRAY['14975008','30021000','26947005','76853006','113345001'])[1 + i %% 5],
       (ARRAY['left','right','midline','left','midline'])[1 + i %% 5],
       (ARRAY['anterior','anterior','posterior','posterior','anterior'])[1 + i %% 5],
       CASE WHEN i %% 50 = 0 THEN 'intimate' ELSE '' END,
       '', 'verbal', true, i %% 3 = 0, false, %(user)s,
       (pick.captured_at + interval '7 years')::date - (i %% 4000),
       'Bench: 7 years after capture', now(), NULL
FROM generate_series(1, %(n)s) AS i
CROSS JOIN (
    SELECT array_agg(id ORDER BY id) AS ids, count(*) AS n
    FROM records_patient WHERE mrn LIKE 'B%%' AND id <> %(heavy)s
) AS bench
CROSS JOIN LATERAL (
    SELECT CASE WHEN i <= %(heavy_n)s THEN %(heavy)s
                ELSE bench.ids[1 + (i %% bench.n)] END AS patient_id,
           now() - ((i %% 3650) || ' days')::interval - ((i %% 1440) || ' minutes')::interval
               AS captured_at
) AS pick
"""


def bench_dataset() -> Dataset:
    """The dataset at the size BENCH_PATIENTS and BENCH_IMAGES ask for."""
    return generate(patients=PATIENTS, images=IMAGES)


def generate(*, patients: int = PATIENTS, images: int = IMAGES) -> Dataset:
    """Make (or find) the bench dataset; PostgreSQL only."""
    if connection.vendor != "postgresql":
        raise RuntimeError("bench.datagen needs PostgreSQL (set DATABASE_URL).")
    start = time.perf_counter()
    ensure_roles()
    wards = _facilities()
    nurse = _user("bench.nurse", Role.WARD_STAFF)
    manager = _user("bench.manager", Role.RECORDS_MANAGER)
    StaffMembership.objects.get_or_create(user=nurse, ward=wards[1])
    for facility in Facility.objects.filter(code__in=["BNSW", "BWA"]):
        FacilityAssignment.objects.get_or_create(user=manager, facility=facility)
    nsw, wa = (Facility.objects.get(code=c).pk for c in ("BNSW", "BWA"))
    existing = Patient.objects.filter(mrn__startswith=MRN_PREFIX).count()
    if 0 < existing < patients:
        # Topping up would collide with the MRNs already made (B0000001 onwards).
        raise RuntimeError(
            f"The bench database has {existing:,} bench patients, {patients:,} were "
            "asked for: use another database (BENCH_DATABASE_URL) or drop this one."
        )
    with transaction.atomic(), connection.cursor() as cursor:
        if existing < patients:
            cursor.execute(
                PATIENTS_SQL,
                {"n": patients, "wa": wa, "nsw": nsw, "prefix": MRN_PREFIX},
            )
            ward_ids = "{" + ",".join(str(w.pk) for w in wards) + "}"
            cursor.execute(ENCOUNTERS_SQL, {"wards": ward_ids, "wa": wa, "like": "B%"})
    heavy = Patient.objects.filter(mrn__startswith=MRN_PREFIX).order_by("pk").first()
    assert heavy is not None
    # The heavy patient is on the bench nurse's ward now, so the gallery is visible to her.
    heavy.encounters.update(ward=wards[1], ended_at=None)
    made_now = _image_count() == 0
    if made_now:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                IMAGES_SQL,
                {
                    "n": images,
                    "user": nurse.pk,
                    "heavy": heavy.pk,
                    "heavy_n": HEAVY_IMAGES,
                },
            )
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE records_patient, records_encounter, imaging_clinicalimage"
            )
        _record_made(time.perf_counter() - start)
    made_seconds, made_at = _last_made()
    return Dataset(
        nurse=nurse,
        records_manager=manager,
        heavy_patient=heavy,
        patients=patients,
        images=_image_count(),
        made_seconds=made_seconds,
        made_at=made_at,
        made_now=made_now,
    )


# A plain table outside Django's models: it belongs to the bench database, not the product.
MADE_TABLE_SQL = """
CREATE TABLE IF NOT EXISTS bench_datagen_made (
    made_at timestamptz NOT NULL DEFAULT now(),
    seconds double precision NOT NULL,
    patients integer NOT NULL,
    images integer NOT NULL
)
"""


def _record_made(seconds: float) -> None:
    with connection.cursor() as cursor:
        cursor.execute(MADE_TABLE_SQL)
        cursor.execute(
            "INSERT INTO bench_datagen_made (seconds, patients, images) "
            "SELECT %s, "
            "(SELECT count(*) FROM records_patient WHERE mrn LIKE 'B%%'), "
            "(SELECT count(*) FROM imaging_clinicalimage "
            "WHERE storage_name LIKE 'bench/%%')",
            [seconds],
        )


def _last_made() -> tuple[float | None, datetime | None]:
    """When the dataset was made and how long it took, if that was recorded."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_datagen_made') IS NOT NULL")
        row = cursor.fetchone()
        if not (row and row[0]):
            return None, None
        cursor.execute(
            "SELECT seconds, made_at FROM bench_datagen_made "
            "ORDER BY made_at DESC LIMIT 1"
        )
        row = cursor.fetchone()
    return (float(row[0]), row[1]) if row else (None, None)


def _image_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM imaging_clinicalimage WHERE storage_name LIKE 'bench/%'"
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0
