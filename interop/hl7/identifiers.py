"""Australian patient identifiers in PID-3, and which repetition is which (DESIGN §9).

- IHI (Individual Healthcare Identifier): 16 digits, issuer prefix 800360, Luhn check digit
  (ISO/IEC 7812, as the HI Service and the AU Base FHIR profile require). Type NI, authority
  AUSHIC.
- Medicare card number: 10 digits (8 digits, a check digit, an issue number), optionally an
  11th, the individual reference number (IRN, 1 to 9); the first digit is 2 to 6 and the check digit
  is the sum of the first 8 digits weighted 1,3,7,9,1,3,7,9, mod 10 (NEHTA, "Use of
  Healthcare Identifiers in Health Software Systems", v1.4). Type MC, authority AUSHIC.
- MRN: type MR, authority empty or the facility's own code.
"""

from collections.abc import Iterable

from .errors import ErrorCode, FieldError
from .message import Identifier

IHI_PREFIX = "800360"
IHI_AUTHORITY = "AUSHIC"
_MEDICARE_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9)


def luhn_is_valid(digits: str) -> bool:
    """The Luhn (mod 10, double-add-double) check over a string of digits."""
    if not digits.isdigit() or not digits.isascii():
        return False
    total = 0
    for position, character in enumerate(reversed(digits)):
        digit = int(character)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def is_valid_ihi(value: str) -> bool:
    return len(value) == 16 and value.startswith(IHI_PREFIX) and luhn_is_valid(value)


def is_valid_medicare_number(value: str) -> bool:
    """10 digits, or 11 with the IRN; first digit 2 to 6; weighted check digit."""
    if len(value) not in (10, 11) or not (value.isdigit() and value.isascii()):
        return False
    if value[0] not in "23456" or value[10:] == "0":
        # The IRN is the person's line on the card, counted from 1.
        return False
    total = sum(int(d) * w for d, w in zip(value[:8], _MEDICARE_WEIGHTS, strict=True))
    return total % 10 == int(value[8])


def pick_mrn(
    identifiers: Iterable[Identifier], facility_code: str
) -> Identifier | None:
    """The MR repetition of this facility: its own authority first, else an unqualified one."""
    mrns = [found for found in identifiers if found.type_code == "MR"]
    own = [found for found in mrns if found.authority == facility_code]
    unqualified = [found for found in mrns if not found.authority]
    return next(iter(own or unqualified), None)


def pick_ihi(identifiers: Iterable[Identifier]) -> Identifier | None:
    """The NI repetition issued by AUSHIC, checked or not."""
    for found in identifiers:
        if found.type_code == "NI" and found.authority == IHI_AUTHORITY:
            return found
    return None


def pick_medicare_number(identifiers: Iterable[Identifier]) -> Identifier | None:
    for found in identifiers:
        if found.type_code == "MC" and found.authority == IHI_AUTHORITY:
            return found
    return None


def checked_ihi(identifiers: Iterable[Identifier]) -> str | None:
    """The IHI if one was sent; FieldError naming its PID-3 repetition if it is not valid."""
    found = pick_ihi(identifiers)
    if found is None:
        return None
    if not is_valid_ihi(found.value):
        raise FieldError(
            f"IHI {found.value!r} is not 16 digits from 800360 with a valid check digit",
            segment="PID",
            field=3,
            repetition=found.repetition,
            code=ErrorCode.DATA_TYPE,
        )
    return found.value
