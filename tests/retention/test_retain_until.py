"""retain_until is the latest date of the applicable rules, and says why in words."""

from datetime import UTC, date, datetime

from django.contrib.auth.models import User

from records.models import Encounter, Facility, Patient, Ward
from retention.compute import NO_RULE, recompute_retention
from retention.models import RetentionRule
from retention.selectors import retention_in_words
from tests.retention.conftest import patient_seen, photo_of


def _recomputed(image):  # type: ignore[no-untyped-def]
    recompute_retention()
    image.refresh_from_db()
    return image


def test_a_childs_image_is_kept_until_25_even_when_last_service_plus_7_is_earlier(
    nsw_facility: Facility, ward: Ward, nurse: User, nsw_rules: list[RetentionRule]
) -> None:
    child = patient_seen(ward, born=date(2016, 3, 2), last_seen=date(2020, 5, 1))
    image = _recomputed(photo_of(nurse, child, date(2020, 5, 1)))
    assert image.retain_until == date(2041, 3, 2)
    assert retention_in_words(image).startswith(
        "kept until 02/03/2041: NSW HRIPA s25, patient turns 25"
    )


def test_an_adults_image_is_kept_seven_years_after_the_last_service(
    nsw_facility: Facility, ward: Ward, nurse: User, nsw_rules: list[RetentionRule]
) -> None:
    adult = patient_seen(ward, born=date(1970, 1, 1), last_seen=date(2020, 5, 1))
    image = _recomputed(photo_of(nurse, adult, date(2020, 4, 30)))
    assert image.retain_until == date(2027, 5, 1)
    assert "7 years after the last service" in image.retention_basis


def test_an_unknown_date_of_birth_keeps_the_image_and_says_why(
    nsw_facility: Facility, ward: Ward, nurse: User, nsw_rules: list[RetentionRule]
) -> None:
    unknown = patient_seen(ward, born=None, last_seen=date(2010, 5, 1))
    image = _recomputed(photo_of(nurse, unknown, date(2010, 5, 1)))
    assert image.retain_until is None
    assert "date of birth unknown" in image.retention_basis


def test_a_leap_day_birthday_turns_25_on_28_february(
    nsw_facility: Facility, ward: Ward, nurse: User, nsw_rules: list[RetentionRule]
) -> None:
    leapling = patient_seen(ward, born=date(2004, 2, 29), last_seen=date(2010, 5, 1))
    image = _recomputed(photo_of(nurse, leapling, date(2010, 5, 1)))
    assert image.retain_until == date(2029, 2, 28)


def test_a_deceased_patients_images_follow_a_years_after_death_rule(
    nsw_facility: Facility, ward: Ward, nurse: User, nsw_rules: list[RetentionRule]
) -> None:
    RetentionRule.objects.create(
        name="After death",
        trigger="death",
        years=15,
        citation="Test schedule 1.1",
    )
    person = patient_seen(ward, born=date(1950, 6, 1), last_seen=date(2020, 5, 1))
    image = photo_of(nurse, person, date(2020, 5, 1))
    assert _recomputed(image).retain_until == date(2027, 5, 1)
    Patient.objects.filter(pk=person.pk).update(date_of_death=date(2020, 5, 2))
    image = _recomputed(image)
    assert image.retain_until == date(2035, 5, 2)
    assert "15 years after death" in image.retention_basis


def test_overlapping_rules_keep_the_image_until_the_latest_date(
    nsw_facility: Facility, ward: Ward, nurse: User, nsw_rules: list[RetentionRule]
) -> None:
    RetentionRule.objects.create(
        name="Photos ten years",
        jurisdiction="NSW",
        trigger="capture",
        years=10,
        citation="Local policy 4",
    )
    adult = patient_seen(ward, born=date(1970, 1, 1), last_seen=date(2020, 5, 3))
    image = _recomputed(photo_of(nurse, adult, date(2020, 5, 3)))
    assert image.retain_until == date(2030, 5, 3)
    assert image.retention_basis.startswith("Local policy 4")


def test_dates_of_service_are_the_facilitys_local_dates(
    nsw_facility: Facility, ward: Ward, nurse: User, nsw_rules: list[RetentionRule]
) -> None:
    adult = patient_seen(ward, born=date(1970, 1, 1), last_seen=date(2020, 5, 1))
    image = photo_of(nurse, adult, date(2020, 5, 1), discharge=False)
    # 23:30 UTC on 1 May is 09:30 on 2 May in Sydney.
    Encounter.objects.filter(patient=adult).update(
        ended_at=datetime(2020, 5, 1, 23, 30, tzinfo=UTC)
    )
    assert _recomputed(image).retain_until == date(2027, 5, 2)


def test_a_patient_still_under_care_is_kept_and_flagged_as_such(
    nsw_facility: Facility, ward: Ward, nurse: User, nsw_rules: list[RetentionRule]
) -> None:
    adult = patient_seen(ward, born=date(1970, 1, 1), last_seen=date(2020, 5, 1))
    image = _recomputed(photo_of(nurse, adult, date(2020, 5, 1), discharge=False))
    assert image.retain_until is None
    assert "patient still under care" in image.retention_basis


def test_a_facility_with_no_rule_keeps_everything_and_says_so(
    facility: Facility, ward: Ward, nurse: User, nsw_rules: list[RetentionRule]
) -> None:
    Facility.objects.filter(pk=facility.pk).update(jurisdiction="VIC")
    adult = patient_seen(ward, born=date(1970, 1, 1), last_seen=date(2020, 5, 1))
    image = _recomputed(photo_of(nurse, adult, date(2020, 5, 1)))
    assert image.retain_until is None
    assert image.retention_basis == NO_RULE


def test_the_presets_cover_every_jurisdiction_and_ask_to_be_verified(db: None) -> None:
    presets = RetentionRule.objects.all()
    assert set(presets.values_list("jurisdiction", flat=True)) == {
        "NSW",
        "VIC",
        "QLD",
        "WA",
        "SA",
        "TAS",
        "ACT",
        "NT",
    }
    assert all(rule.needs_verification for rule in presets)
    assert presets.filter(citation__contains="HRIPA 2002 s25", years=25).exists()
    assert presets.filter(citation__contains="QDAN 683", trigger="indefinite").exists()


def test_a_recompute_writes_only_the_images_whose_date_or_reason_changes(
    nsw_facility: Facility, ward: Ward, nurse: User, nsw_rules: list[RetentionRule]
) -> None:
    adult = patient_seen(ward, born=date(1970, 1, 1), last_seen=date(2020, 5, 1))
    unknown_age = patient_seen(ward, born=None, last_seen=date(2020, 5, 1))
    dated = photo_of(nurse, adult, date(2020, 4, 30))
    kept = photo_of(nurse, unknown_age, date(2020, 4, 30))
    assert recompute_retention() == 2
    first = _recomputed(dated).retention_computed_at
    # Nothing changed: nothing is rewritten, whether the date is set or null.
    assert recompute_retention() == 0
    assert _recomputed(dated).retention_computed_at == first
    Patient.objects.filter(pk=unknown_age.pk).update(date_of_birth=date(1980, 1, 1))
    assert recompute_retention() == 1
    assert _recomputed(kept).retain_until == date(2027, 5, 1)
    assert _recomputed(dated).retention_computed_at == first
