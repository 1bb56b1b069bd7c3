"""retain_until is the latest date of the applicable rules, and says why in words."""

from datetime import date

from django.contrib.auth.models import User

from records.models import Facility, RetentionRule, Ward
from records.retention.compute import recompute_retention
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
    assert image.retention_basis.startswith("NSW HRIPA s25, patient turns 25")


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
