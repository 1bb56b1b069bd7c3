# ruff: noqa: E501
"""The shipped schedules, table by table: what each rule keeps, through the preview (the
same expressions that date every image) and through the stored dates of real images."""

import uuid
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from records.models import Facility, Ward
from retention.classes import set_record_class
from retention.compute import UNVERIFIED, recompute_retention, sample_bucket
from retention.exceptions import RetentionRefused
from retention.models import RetentionRule
from retention.preview import preview_retention
from tests.factories import capture, jpeg_bytes
from tests.retention.conftest import at, close_stays, patient_seen, photo_of

pytestmark = pytest.mark.django_db
D = date

# (jurisdiction, sector, class, born, first service, last service, died, kept until)
CASES: list[tuple[str, str, str, Any, Any, Any, Any, Any]] = [
    # NSW public, GDA17 1.1.1: 30 years after last attendance or to 25, the later.
    ("NSW", "public", "admitted", D(1980, 5, 1), None, D(2019, 3, 1), None, D(2049, 3, 1)),
    # "A photo of a 15-year-old seen last in 2019 at a NSW public hospital."
    ("NSW", "public", "admitted", D(2004, 6, 1), D(2019, 6, 1), D(2019, 6, 1), None, D(2049, 6, 1)),
    ("NSW", "public", "non_admitted", D(2010, 1, 1), None, D(2015, 1, 1), None, D(2035, 1, 1)),
    ("NSW", "public", "emergency", D(1970, 1, 1), None, D(2015, 1, 1), None, D(2030, 1, 1)),
    ("NSW", "public", "obstetric", D(1990, 1, 1), None, D(2015, 1, 1), None, D(2045, 1, 1)),
    ("NSW", "public", "newborn", D(2015, 1, 1), None, D(2015, 1, 9), None, D(2045, 1, 9)),
    ("NSW", "public", "mental_health", D(1990, 1, 1), None, D(2015, 1, 1), None, D(2045, 1, 1)),
    ("NSW", "public", "genetic", D(1990, 1, 1), None, D(2015, 1, 1), None, None),
    ("NSW", "public", "abuse", D(1990, 1, 1), None, D(2015, 1, 1), None, D(2060, 1, 1)),
    # Unknown date of birth keeps the image.
    ("NSW", "public", "admitted", None, None, D(2019, 3, 1), None, None),
    # NSW private (HRIPA s 25): adults 7 years; collected under 18, until 25.
    ("NSW", "private", "admitted", D(1980, 1, 1), D(2019, 3, 1), D(2019, 3, 1), None, D(2026, 3, 1)),
    ("NSW", "private", "admitted", D(2004, 6, 1), D(2019, 6, 1), D(2019, 6, 1), None, D(2029, 6, 1)),
    # 29 February: the 25th birthday falls on 28 February.
    ("NSW", "private", "admitted", D(2004, 2, 29), D(2010, 1, 1), D(2010, 1, 1), None, D(2029, 2, 28)),
    ("NSW", "private", "admitted", None, D(2010, 1, 1), D(2010, 1, 1), None, None),
    # QLD public: 10 years after last service AND age 28: both must pass.
    ("QLD", "public", "admitted", D(2000, 1, 1), None, D(2015, 1, 1), None, D(2028, 1, 1)),
    ("QLD", "public", "admitted", D(1950, 1, 1), None, D(2015, 1, 1), None, D(2025, 1, 1)),
    ("QLD", "public", "abuse", D(1950, 1, 1), None, D(2015, 1, 1), None, D(2060, 1, 1)),
    # VIC public: 15 years after last attendance AND the patient has reached 30.
    ("VIC", "public", "admitted", D(1990, 1, 1), None, D(2000, 1, 1), None, D(2020, 1, 1)),
    ("VIC", "public", "admitted", D(1950, 1, 1), None, D(2000, 1, 1), None, D(2015, 1, 1)),
    ("VIC", "public", "non_admitted", D(1950, 1, 1), None, D(2019, 1, 1), None, D(2031, 1, 1)),
    # Deceased: 12 years after death where that is later.
    ("VIC", "public", "non_admitted", D(1950, 1, 1), None, D(2019, 1, 1), D(2020, 6, 1), D(2032, 6, 1)),
    ("VIC", "public", "newborn", D(2020, 3, 1), None, D(2020, 3, 5), None, D(2050, 3, 1)),
    ("VIC", "public", "abuse", D(1990, 1, 1), None, D(2000, 1, 1), None, D(2099, 1, 1)),
    ("VIC", "private", "admitted", D(1980, 1, 1), D(2019, 3, 1), D(2019, 3, 1), None, D(2026, 3, 1)),
    ("WA", "public", "admitted", D(1980, 1, 1), None, D(2019, 3, 1), None, D(2049, 3, 1)),
    ("WA", "public", "admitted", D(2010, 1, 1), None, D(2011, 3, 1), None, D(2041, 3, 1)),
    ("SA", "public", "emergency", D(1980, 1, 1), None, D(2019, 3, 1), None, D(2049, 3, 1)),
    ("TAS", "public", "abuse", D(1980, 1, 1), None, D(2019, 3, 1), None, D(2064, 3, 1)),
    ("ACT", "public", "admitted", D(1980, 1, 1), D(2019, 3, 1), D(2019, 3, 1), None, D(2049, 3, 1)),
    ("ACT", "private", "admitted", D(2004, 6, 1), D(2019, 6, 1), D(2019, 6, 1), None, D(2029, 6, 1)),
    ("NT", "public", "admitted", D(1980, 1, 1), None, D(2019, 3, 1), None, D(2049, 3, 1)),
    ("NT", "private", "mental_health", D(1980, 1, 1), D(2019, 3, 1), D(2019, 3, 1), None, D(2026, 3, 1)),
]  # fmt: skip


@pytest.mark.parametrize(
    (
        "jurisdiction",
        "sector",
        "record_class",
        "born",
        "first",
        "last",
        "died",
        "until",
    ),
    CASES,
)
def test_the_shipped_schedules_keep_each_record_until_the_law_says(
    jurisdiction: str,
    sector: str,
    record_class: str,
    born: date | None,
    first: date | None,
    last: date | None,
    died: date | None,
    until: date | None,
) -> None:
    result = preview_retention(
        jurisdiction=jurisdiction,
        sector=sector,
        record_class=record_class,
        date_of_birth=born,
        first_service=first,
        last_service=last,
        date_of_death=died,
    )
    assert result.retain_until == until, result.basis
    assert result.basis.endswith(UNVERIFIED)
    assert result.rules
    assert all(r.record_class in ("", record_class) for r in result.rules)


def _birthday(born: date, age: int) -> date:
    try:
        return born.replace(year=born.year + age)
    except ValueError:
        return date(born.year + age, 2, 28)


def _expected(rule: RetentionRule, born: date, last: date, died: date) -> date | None:
    """What the schedule says, worked out apart from the SQL engine."""
    if rule.trigger == "indefinite":
        return None
    starts = {"last_service": last, "age": born, "death": died}
    dates = [_birthday(starts[rule.trigger], rule.years)]
    if rule.second_trigger:
        dates.append(_birthday(starts[rule.second_trigger], rule.second_years))
    return max(dates)


def test_every_shipped_rule_gives_the_date_its_figures_say() -> None:
    rules = list(RetentionRule.objects.filter(is_active=True, sample_one_in=None))
    assert len(rules) > 190
    born, died = date(1996, 2, 29), date(2020, 5, 4)
    for rule in rules:
        # An adult for adults' rules, a child at the service for minors' rules.
        first = date(2010, 1, 1) if rule.applies_to == "minors" else date(2019, 3, 1)
        result = preview_retention(
            jurisdiction=rule.jurisdiction,
            sector=rule.sector,
            record_class=rule.record_class or "admitted",
            date_of_birth=born,
            first_service=first,
            last_service=date(2019, 3, 1),
            date_of_death=died,
            rules=[rule],
        )
        assert result.retain_until == _expected(rule, born, date(2019, 3, 1), died), (
            rule.name
        )
        assert rule.needs_verification
        assert rule.instrument
        assert rule.citation in result.basis


def test_every_jurisdiction_and_sector_has_a_finite_rule_for_admitted_images() -> None:
    for jurisdiction in ("NSW", "VIC", "QLD", "WA", "SA", "TAS", "ACT", "NT"):
        for sector in ("public", "private"):
            result = preview_retention(
                jurisdiction=jurisdiction,
                sector=sector,
                record_class="admitted",
                date_of_birth=date(1970, 1, 1),
                first_service=date(2019, 1, 1),
                last_service=date(2019, 1, 1),
            )
            assert result.retain_until is not None, (jurisdiction, sector)
            assert "placeholder: complete me" not in result.basis


@pytest.mark.parametrize(
    ("record_class", "born", "seen"),
    [
        ("admitted", date(1980, 5, 1), date(2019, 3, 1)),
        ("admitted", date(2004, 6, 1), date(2019, 6, 1)),
        ("obstetric", date(1990, 2, 28), date(2018, 7, 9)),
        ("newborn", date(2016, 2, 29), date(2016, 3, 2)),
        ("admitted", None, date(2019, 3, 1)),
    ],
)
def test_the_preview_agrees_with_the_dates_stored_on_images(
    nurse: User,
    ward: Ward,
    record_class: str,
    born: date | None,
    seen: date,
) -> None:
    """Same code path: on SQLite here, on PostgreSQL with DATABASE_URL set."""
    ward.record_class = record_class
    ward.save()
    person = patient_seen(ward, born=born, last_seen=seen)
    image = photo_of(nurse, person, seen)
    recompute_retention()
    image.refresh_from_db()
    facility: Facility = ward.facility
    result = preview_retention(
        jurisdiction=facility.jurisdiction,
        sector=facility.sector,
        record_class=record_class,
        date_of_birth=born,
        first_service=seen,
        last_service=seen,
    )
    assert image.retain_until == result.retain_until
    assert image.retention_basis == result.basis


def test_an_image_takes_its_wards_class_unless_a_records_manager_set_its_own(
    nurse: User,
    ward: Ward,
    records_manager: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    ward.record_class = "obstetric"
    ward.save()
    mother = patient_seen(ward, born=date(1990, 1, 1), last_seen=date(2018, 1, 1))
    image = photo_of(nurse, mother, date(2018, 1, 1))
    assert image.effective_record_class == "obstetric"
    recompute_retention()
    image.refresh_from_db()
    assert "1.4.0 obstetric" in image.retention_basis
    events = AuditEvent.objects.count()
    with pytest.raises(RetentionRefused):
        set_record_class(
            actor=records_manager, image=image, record_class="genetic", reason=" "
        )
    assert AuditEvent.objects.count() == events
    with django_capture_on_commit_callbacks(execute=True):
        set_record_class(
            actor=records_manager,
            image=image,
            record_class="genetic",
            reason="Genetics",
        )
    image.refresh_from_db()
    assert image.effective_record_class == "genetic"
    assert image.retain_until is None
    assert "kept indefinitely" in image.retention_basis
    assert AuditEvent.objects.count() == events + 1


def test_nt_keeps_one_in_a_hundred_images_permanently_chosen_by_public_id(
    nurse: User, ward: Ward
) -> None:
    Facility.objects.filter(pk=ward.facility_id).update(
        jurisdiction="NT", time_zone="Australia/Darwin"
    )
    person = patient_seen(ward, born=date(1970, 1, 1), last_seen=date(2019, 3, 1))
    images = [
        capture(
            actor=nurse,
            patient=person,
            captured_at=at(date(2019, 3, 1), 9),
            data=jpeg_bytes(color=color),
        )
        for color in ("red", "green", "blue")
    ]
    close_stays(person)
    sampled = images[1]
    # Give one image a public id in the sample, as any one in a hundred has.
    while sample_bucket(sampled.public_id, 100) != 0:
        sampled.public_id = uuid.uuid4()
    ClinicalImage.objects.filter(pk=sampled.pk).update(public_id=sampled.public_id)
    recompute_retention()
    for image in images:
        image.refresh_from_db()
        in_sample = sample_bucket(image.public_id, 100) == 0
        assert (image.retain_until is None) == in_sample
        assert ("1 in 100 kept permanently" in image.retention_basis) == in_sample
    assert images[0].retain_until == date(2049, 3, 1) or images[0].pk == sampled.pk
