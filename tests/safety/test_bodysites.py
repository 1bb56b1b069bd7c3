"""The coded body-site catalogue is well formed and reads naturally."""

import pytest
from django.contrib.auth.models import User

from imaging.bodysites import BY_CODE, CHOICES, RETIRED, SITES, describe
from imaging.exceptions import InvalidField
from imaging.models import ClinicalImage
from records.models import Patient
from tests.factories import capture

# The Verhoeff scheme SNOMED CT identifiers end with: multiplication in the dihedral
# group D5 and the position permutations.
_MUL = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
_PERM = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
]
for _ in range(6):
    _PERM.append([_PERM[1][d] for d in _PERM[-1]])


def _verhoeff_ok(code: str) -> bool:
    check = 0
    for position, digit in enumerate(reversed(code)):
        check = _MUL[check][_PERM[position % 8][int(digit)]]
    return check == 0


def test_codes_are_unique_snomed_concept_identifiers() -> None:
    codes = [site.code for site in SITES + RETIRED]
    assert len(codes) == len(set(codes))
    assert all(code.isdigit() and 6 <= len(code) <= 18 for code in codes)
    # A typo in a code fails its check digit; "00" before it marks a concept id.
    assert [c for c in codes if not _verhoeff_ok(c)] == []
    assert [c for c in codes if c[-3:-1] != "00"] == []


def test_the_check_digit_catches_a_mistyped_code() -> None:
    assert _verhoeff_ok("72696002")
    assert not _verhoeff_ok("72696003")
    assert not _verhoeff_ok("72969002")


def test_a_retired_code_still_reads_but_is_not_offered() -> None:
    assert BY_CODE["21514008"].name == "Genitourinary system"
    assert "21514008" not in dict(CHOICES)


def test_lateral_sites_read_with_their_side() -> None:
    forearm = next(site for site in SITES if site.name == "Forearm")
    assert describe(forearm.code, "left") == "Left forearm"
    assert describe(forearm.code, "bilateral") == "Forearm (both sides)"
    assert describe(BY_CODE["113345001"].code, "left") == "Abdomen"
    assert describe("0", "left") == ""


def test_intimate_regions_default_to_sensitive() -> None:
    assert BY_CODE["263767004"].sensitive
    assert not BY_CODE["14975008"].sensitive


@pytest.mark.django_db
def test_a_new_image_cannot_take_a_retired_code(nurse: User, patient: Patient) -> None:
    with pytest.raises(InvalidField):
        capture(actor=nurse, patient=patient, body_site_code="21514008")
    assert not ClinicalImage.objects.exists()
