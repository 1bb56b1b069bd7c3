"""CSV cells that a spreadsheet will show, never run (formula or "CSV" injection).

Every CSV that leaves the system carries text people typed (a note, a device, a file
name, a reason). Excel, LibreOffice and Google Sheets run a cell starting with =, +, -
or @ (and, in some, a leading tab or carriage return) as a formula: `=HYPERLINK(...)`
typed on a ward would reach a lawyer's spreadsheet as a live link. The OWASP remedy is
to prefix such a cell with a single quote, which spreadsheets show as text.
"""

import csv
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, overload

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@overload
def safe_cell(value: str) -> str: ...
@overload
def safe_cell(value: object) -> object: ...
def safe_cell(value: object) -> object:
    """The cell as a spreadsheet should show it: text that starts a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return f"'{value}"
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """Every cell of a row made safe."""
    return [safe_cell(value) for value in values]


class SafeWriter:
    """csv.writer whose rows are made safe before they are written."""

    def __init__(self, out: Any, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


# DictWriter is generic to type checkers only (not subscriptable at run time on 3.11).
if TYPE_CHECKING:
    _DictWriter = csv.DictWriter[str]
else:
    _DictWriter = csv.DictWriter


class SafeDictWriter(_DictWriter):
    """csv.DictWriter whose values are made safe before they are written."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({k: safe_cell(v) for k, v in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for rowdict in rowdicts:
            self.writerow(rowdict)
