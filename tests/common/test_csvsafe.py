"""Every cell a spreadsheet would run as a formula leaves the system quoted as text."""

import csv
import io

import pytest

from common.csvsafe import SafeDictWriter, SafeWriter, safe_cell

FORMULAS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("typed", FORMULAS)
def test_a_cell_starting_a_formula_is_quoted(typed: str) -> None:
    assert safe_cell(typed) == "'" + typed


@pytest.mark.parametrize("plain", ["Left forearm", "", "a=b", " note", "'quoted"])
def test_plain_text_is_left_as_typed(plain: str) -> None:
    assert safe_cell(plain) == plain


def test_numbers_stay_numbers() -> None:
    assert safe_cell(-3) == -3


@pytest.mark.parametrize("typed", FORMULAS)
def test_both_writers_quote_every_formula(typed: str) -> None:
    rows, dicts = io.StringIO(), io.StringIO()
    SafeWriter(rows).writerow(["ok", typed])
    writer = SafeDictWriter(dicts, fieldnames=["a", "b"])
    writer.writerows([{"a": "ok", "b": typed}])
    for out in (rows, dicts):
        [[first, second]] = csv.reader(io.StringIO(out.getvalue()))
        assert (first, second) == ("ok", "'" + typed)
