"""Load files for e-discovery review tools: a Concordance DAT and an Opticon OPT.

DAT: UTF-8 with a byte-order mark (review tools detect the encoding from it); fields
separated by ASCII 20 (DC4), each qualified by thorn (U+00FE); a newline inside a value
becomes the registered sign (U+00AE); records end with CRLF.
OPT: image key, volume, path, Y on a document's first page, two blank fields, page count.
Paths are relative to the bag's data/ folder, with Windows separators as the tools expect.
"""

from collections.abc import Iterable, Sequence
from typing import TextIO

from common.csvsafe import safe_cell

FIELD = "\x14"
QUOTE = "\u00fe"
NEWLINE = "\u00ae"
DAT_ENCODING = "utf-8-sig"
DAT_FIELDS = (
    "BEGDOC",
    "ENDDOC",
    "TITLE",
    "DOCTYPE",
    "DOCDATE",
    "AUTHOR",
    "PATIENT_MRN",
    "PATIENT_NAME",
    "BODYSITE_CODE",
    "BODYSITE",
    "LATERALITY",
    "VIEW",
    "SHA256",
    "STATUS",
    "NATIVE_PATH",
    "RENDERED_PATH",
)


def dat_value(value: str) -> str:
    # Review tools export DAT fields to spreadsheets: typed text must stay text.
    clean = (
        safe_cell(value)
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", NEWLINE)
    )
    return f"{QUOTE}{clean.replace(QUOTE, '')}{QUOTE}"


def dat_line(values: Sequence[str]) -> str:
    return FIELD.join(dat_value(v) for v in values) + "\r\n"


def write_dat(out: TextIO, rows: Iterable[Sequence[str]]) -> None:
    out.write(dat_line(DAT_FIELDS))
    for row in rows:
        out.write(dat_line(row))


def windows_path(relative: str) -> str:
    return relative.replace("/", "\\")


def write_opt(out: TextIO, rows: Iterable[tuple[str, str, str]]) -> None:
    """Rows of (document id, volume, path relative to data/), one page each."""
    for document_id, volume, path in rows:
        out.write(f"{document_id},{volume},{windows_path(path)},Y,,,1\r\n")


def parse_dat(text: str) -> list[list[str]]:
    """Split a DAT back into rows of values (the inverse of write_dat)."""
    rows = []
    for line in text.split("\r\n"):
        if not line:
            continue
        rows.append(
            [
                field.removeprefix(QUOTE).removesuffix(QUOTE).replace(NEWLINE, "\n")
                for field in line.split(FIELD)
            ]
        )
    return rows
