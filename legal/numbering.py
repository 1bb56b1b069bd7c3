"""Document numbers: the Australian court form by default, US Bates numbers as an option.

Court form PARTY.BOX.FOLDER.PAGE: the party prefix chosen per matter, box 001, one folder
per patient (in the order the bundle lists them), one page per image within the folder.
"""

import re
from collections.abc import Iterable, Iterator

PREFIX_RE = re.compile(r"^[A-Z]{2,6}$")


def valid_prefix(prefix: str) -> bool:
    return bool(PREFIX_RE.match(prefix))


def default_prefix(reference: str) -> str:
    """A party prefix suggested from the matter reference: its first three letters."""
    letters = "".join(ch for ch in reference.upper() if "A" <= ch <= "Z")
    return letters[:3] if len(letters) >= 2 else "DOC"


def court_number(prefix: str, *, folder: int, page: int, box: int = 1) -> str:
    return f"{prefix}.{box:03d}.{folder:03d}.{page:04d}"


def bates_number(prefix: str, sequence: int) -> str:
    return f"{prefix}{sequence:06d}"


def number_documents(
    scheme: str, prefix: str, patient_keys: Iterable[int]
) -> Iterator[str]:
    """One document number per item, given each item's patient (items grouped by patient)."""
    folders: dict[int, int] = {}
    pages: dict[int, int] = {}
    for sequence, patient in enumerate(patient_keys, start=1):
        if scheme == "bates":
            yield bates_number(prefix, sequence)
            continue
        folder = folders.setdefault(patient, len(folders) + 1)
        pages[patient] = pages.get(patient, 0) + 1
        yield court_number(prefix, folder=folder, page=pages[patient])
