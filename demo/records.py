"""Demo facilities, wards, staff and patients (deterministic, idempotent).

Two facilities in different states and time zones, one of them on a paper record; about
fifty patients (children, adults, one deceased, one with an unknown date of birth).
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import Group, User
from django.utils import timezone

from accounts.roles import Role
from accounts.rolesync import ensure_roles
from audit.services import Action, record_event
from records.models import (
    Encounter,
    Facility,
    FacilityAssignment,
    Patient,
    StaffMembership,
    Ward,
)

DEMO_PASSWORD = "custodian-demo"  # noqa: S105 - documented demo credential, debug only

FACILITIES = [
    {
        "code": "RHH",
        "name": "Royal Harbour Hospital",
        "jurisdiction": "NSW",
        "sector": "public",
        "electronic_record": True,
        "time_zone": "Australia/Sydney",
        "wards": [
            ("SURG5A", "Ward 5A Surgical"),
            ("BURNS", "Burns Unit"),
            ("ED", "Emergency Department"),
            ("PAEDS", "Children's Ward"),
        ],
    },
    {
        "code": "WCH",
        "name": "Wattle Creek District Hospital",
        "jurisdiction": "WA",
        "sector": "public",
        "electronic_record": False,
        "time_zone": "Australia/Perth",
        "wards": [("GEN", "General Ward"), ("ED", "Emergency")],
    },
]


# Each ward's record class decides which line of its schedule dates its images.
WARD_CLASSES = {"ED": "emergency"}


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: Role
    wards: tuple[tuple[str, str], ...] = ()
    facilities: tuple[str, ...] = ()


USERS = [
    DemoUser(
        "ward.nurse",
        "Nora",
        "Nguyen",
        Role.WARD_STAFF,
        wards=(("RHH", "SURG5A"), ("RHH", "BURNS")),
    ),
    DemoUser(
        "paeds.doctor",
        "Daniel",
        "Park",
        Role.WARD_STAFF,
        wards=(("RHH", "PAEDS"), ("RHH", "ED")),
    ),
    DemoUser(
        "wattle.nurse",
        "Wendy",
        "Tran",
        Role.WARD_STAFF,
        wards=(("WCH", "GEN"), ("WCH", "ED")),
    ),
    DemoUser(
        "records.manager",
        "Rita",
        "Marsh",
        Role.RECORDS_MANAGER,
        facilities=("RHH", "WCH"),
    ),
    DemoUser(
        "records.manager2",
        "Rob",
        "Mitchell",
        Role.RECORDS_MANAGER,
        facilities=("RHH", "WCH"),
    ),
    DemoUser("legal.officer", "Leah", "Okafor", Role.LEGAL, facilities=("RHH", "WCH")),
    DemoUser(
        "privacy.officer",
        "Priya",
        "Shah",
        Role.PRIVACY_OFFICER,
        facilities=("RHH", "WCH"),
    ),
    DemoUser("admin", "Adam", "Ito", Role.ADMINISTRATOR),
]

FAMILY = [
    "Anderson",
    "Brown",
    "Campbell",
    "Davies",
    "Edwards",
    "Fraser",
    "Gallagher",
    "Hughes",
    "Ivanov",
    "Jones",
    "Kelly",
    "Lee",
    "Martin",
    "Nguyen",
    "O'Brien",
    "Patel",
    "Quinn",
    "Robinson",
    "Singh",
    "Taylor",
    "Usman",
    "Vella",
    "Walker",
    "Xu",
    "Young",
    "Zhang",
    "Smith",
    "Wilson",
    "Tran",
    "Murphy",
]
GIVEN = [
    "Olivia",
    "Jack",
    "Charlotte",
    "William",
    "Mia",
    "Noah",
    "Amelia",
    "Thomas",
    "Isla",
    "Lucas",
    "Ava",
    "Henry",
    "Grace",
    "Leo",
    "Chloe",
    "James",
    "Ruby",
    "Oliver",
    "Zara",
    "Mohammed",
    "Aroha",
    "Jarrah",
    "Kirra",
    "Wei",
    "Priya",
]


def ensure_facilities() -> dict[tuple[str, str], Ward]:
    """Create the demo facilities and wards; return wards by (facility code, ward code)."""
    wards: dict[tuple[str, str], Ward] = {}
    for spec in FACILITIES:
        fields = {k: v for k, v in spec.items() if k not in ("code", "wards")}
        facility, _ = Facility.objects.update_or_create(
            code=spec["code"], defaults=fields
        )
        for code, name in spec["wards"]:  # type: ignore[attr-defined]
            ward, _ = Ward.objects.update_or_create(
                facility=facility,
                code=code,
                defaults={
                    "name": name,
                    "record_class": WARD_CLASSES.get(code, "admitted"),
                },
            )
            wards[(facility.code, code)] = ward
    return wards


def ensure_users(wards: dict[tuple[str, str], Ward]) -> dict[str, User]:
    """Create the demo users with their roles, wards and facilities."""
    ensure_roles()  # migrations make the groups; a flushed database may have lost them
    users: dict[str, User] = {}
    for spec in USERS:
        user, created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@example.org",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
        user.is_staff = spec.role == Role.ADMINISTRATOR
        user.save()
        # A demo account opens patients' records like any other: on the trail with
        # no actor but the seeding command.
        detail = {"username": user.username, "source": "seed_demo"}
        if created:
            record_event(actor=None, action=Action.CREATE, target=user, detail=detail)
        if not user.groups.filter(name=spec.role).exists():
            user.groups.add(Group.objects.get(name=spec.role))
            record_event(
                actor=None,
                action=Action.ROLES_CHANGED,
                target=user,
                detail={**detail, "added": [str(spec.role)], "removed": []},
            )
        _ensure_workplaces(user, spec, wards, detail)
        users[spec.username] = user
    return users


def _ensure_workplaces(
    user: User,
    spec: DemoUser,
    wards: dict[tuple[str, str], Ward],
    detail: dict[str, str],
) -> None:
    for facility_code, ward_code in spec.wards:
        ward = wards[(facility_code, ward_code)]
        membership, made = StaffMembership.objects.get_or_create(user=user, ward=ward)
        if made:
            record_event(
                actor=None,
                action=Action.MEMBERSHIP_GRANTED,
                target=membership,
                detail={**detail, "ward": str(ward)},
            )
    for code in spec.facilities:
        assignment, made = FacilityAssignment.objects.get_or_create(
            user=user, facility=Facility.objects.get(code=code)
        )
        if made:
            record_event(
                actor=None,
                action=Action.FACILITY_ASSIGNED,
                target=assignment,
                detail={**detail, "facility": code},
            )


def _birth_date(rng: random.Random, today: date, index: int) -> date | None:
    if index == 7:
        return None  # an unidentified patient: date of birth unknown
    child = index % 5 == 0
    age_days = rng.randint(200, 17 * 365) if child else rng.randint(19 * 365, 92 * 365)
    return today - timedelta(days=age_days)


def ensure_patients(
    wards: dict[tuple[str, str], Ward], count: int = 50
) -> list[Patient]:
    """Create the demo patients, each with one to three encounters, the last often open."""
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    now = timezone.now()
    ward_list = sorted(wards.values(), key=lambda w: (w.facility.code, w.code))
    patients = []
    for index in range(count):
        ward = ward_list[index % len(ward_list)]
        facility = ward.facility
        mrn = f"{'1' if facility.code == 'RHH' else '7'}{100000 + index * 37:06d}"
        born = _birth_date(rng, today, index)
        died = today - timedelta(days=40) if index == 12 else None
        patient, created = Patient.objects.get_or_create(
            facility=facility,
            mrn=mrn,
            defaults={
                "family_name": FAMILY[index % len(FAMILY)],
                "given_names": GIVEN[(index * 7) % len(GIVEN)],
                # GIVEN alternates girls' and boys' names, starting with a girl's.
                "date_of_birth": born,
                "sex": "male" if (index * 7) % len(GIVEN) % 2 else "female",
                "date_of_death": died,
            },
        )
        patients.append(patient)
        if not created:
            continue
        for visit in range(rng.randint(1, 3), 0, -1):
            start = now - timedelta(
                days=visit * rng.randint(60, 400), hours=rng.randint(0, 20)
            )
            Encounter.objects.create(
                patient=patient,
                ward=ward,
                started_at=start,
                ended_at=start + timedelta(days=rng.randint(1, 9)),
            )
        # Most patients are on the ward now; some (the deceased too) have gone home.
        if died is None and index % 6 != 5 and index % 5 != 4:
            Encounter.objects.create(
                patient=patient,
                ward=ward,
                started_at=now - timedelta(days=rng.randint(0, 6)),
            )
        else:
            Encounter.objects.create(
                patient=patient,
                ward=ward,
                started_at=now - timedelta(days=50),
                ended_at=now - timedelta(days=40),
            )
    return patients
