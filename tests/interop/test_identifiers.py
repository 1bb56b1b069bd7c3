"""IHI and Medicare number checks."""

import pytest

from interop.hl7 import FieldError, Identifier, checked_ihi, is_valid_ihi
from interop.hl7 import is_valid_medicare_number as is_valid_medicare
from interop.hl7.identifiers import luhn_is_valid


@pytest.mark.parametrize("ihi", ["8003608166690503", "8003601234567894"])
def test_a_16_digit_ihi_from_800360_with_its_luhn_digit_is_valid(ihi):
    assert is_valid_ihi(ihi)


@pytest.mark.parametrize(
    "ihi",
    [
        "8003608166690504",  # check digit off by one
        "8003608166690530",  # two digits swapped
        "800360816669050",  # 15 digits
        "8003618166690502",  # an HPI-I (800361), not an IHI
        "80036081666905O3",  # letter O
        "",
    ],
)
def test_anything_else_is_not_an_ihi(ihi):
    assert not is_valid_ihi(ihi)


def test_luhn_known_answer():
    assert luhn_is_valid("79927398713")
    assert not luhn_is_valid("79927398710")


@pytest.mark.parametrize("number", ["2123456701", "21234567011", "2950123481"])
def test_medicare_numbers_with_their_weighted_check_digit(number):
    assert is_valid_medicare(number)


@pytest.mark.parametrize(
    "number", ["2123456711", "1123456701", "212345670", "212345670123", "21234567010"]
)
def test_medicare_numbers_without_it(number):
    assert not is_valid_medicare(number)


def test_an_invalid_ihi_is_a_field_error_naming_its_repetition():
    ids = [
        Identifier("0412345", authority="RHH", type_code="MR", repetition=1),
        Identifier(
            "8003608166690504", authority="AUSHIC", type_code="NI", repetition=2
        ),
    ]
    with pytest.raises(FieldError) as refused:
        checked_ihi(ids)
    assert refused.value.location == ["PID", "1", "3", "2"]


def test_no_ihi_is_not_an_error():
    assert checked_ihi([Identifier("0412345", type_code="MR")]) is None
