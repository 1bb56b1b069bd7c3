"""The DAT and OPT load files parse with their documented delimiters and point at real files."""

import csv
import io
import json
from pathlib import Path

import pytest

from legal.loadfiles import FIELD, NEWLINE, QUOTE, parse_dat
from tests.legal.conftest import members

pytestmark = pytest.mark.django_db


def _bag(bundle_zip: Path) -> tuple[str, dict[str, bytes]]:
    files = members(bundle_zip)
    root = next(iter(files)).split("/")[0]
    return root, {name.split("/", 1)[1]: data for name, data in files.items()}


def test_the_dat_uses_the_concordance_delimiters_and_references_real_files(
    bundle_zip: Path,
) -> None:
    _, files = _bag(bundle_zip)
    raw = files["data/loadfiles/export.dat"]
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    first = text.split("\r\n")[0]
    assert first.startswith(QUOTE + "BEGDOC" + QUOTE + FIELD + QUOTE + "ENDDOC")
    header, *rows = parse_dat(text)
    assert len(rows) == 2
    for row in rows:
        record = dict(zip(header, row, strict=True))
        native = "data/" + record["NATIVE_PATH"].replace("\\", "/")
        rendered = "data/" + record["RENDERED_PATH"].replace("\\", "/")
        assert native in files
        assert rendered in files
        assert record["BEGDOC"] == record["ENDDOC"]
    coded = dict(zip(header, rows[1], strict=True))
    assert (coded["BODYSITE_CODE"], coded["BODYSITE"], coded["VIEW"]) == (
        "26947005",
        "Sacral region",
        "Posterior",
    )


def test_a_newline_in_a_value_becomes_the_registered_sign() -> None:
    from legal.loadfiles import dat_line

    line = dat_line(["Pressure injury,\nstage 2", "b"])
    assert "\n" not in line.removesuffix("\r\n")
    assert NEWLINE in line
    assert parse_dat(line) == [["Pressure injury,\nstage 2", "b"]]


def test_the_opt_lists_one_page_per_document_pointing_at_real_files(
    bundle_zip: Path,
) -> None:
    _, files = _bag(bundle_zip)
    lines = files["data/loadfiles/export.opt"].decode().split("\r\n")
    rows = [line.split(",") for line in lines if line]
    assert [r[0] for r in rows] == ["RPA.001.001.0001", "RPA.001.001.0002"]
    for _key, volume, path, first, box, folder, pages in rows:
        assert volume == "VOL001"
        assert first == "Y"
        assert (box, folder, pages) == ("", "", "1")
        assert "data/" + path.replace("\\", "/") in files


def test_metadata_lists_provenance_consent_and_the_list_of_documents(
    bundle_zip: Path,
) -> None:
    _, files = _bag(bundle_zip)
    rows = list(csv.DictReader(io.StringIO(files["data/metadata.csv"].decode())))
    assert rows[0]["body_site"] == "Left forearm"
    assert rows[0]["body_site_code"] == ""
    coded = rows[1]
    assert coded["body_site_code"] == "26947005"
    assert coded["body_site_term"] == "Sacral region"
    assert coded["body_site"] == "Sacrum"  # the free text stays, as a note
    assert coded["view"] == "Posterior"
    assert coded["title"] == "Clinical photograph: Sacral region"
    assert rows[0]["consent_kind"] == "Verbal"
    assert rows[0]["under_legal_hold"] == "yes"
    assert rows[0]["uploaded_by"] == "nurse"
    docs = json.loads(files["data/metadata.json"])["documents"]
    assert [d["document_id"] for d in docs] == ["RPA.001.001.0001", "RPA.001.001.0002"]
    listing = files["data/list_of_documents.csv"].decode().splitlines()[0]
    assert listing == "document_id,title,type,date,author,host_document"


def test_the_chain_of_custody_holds_each_images_history_and_the_head_hash(
    bundle_zip: Path, built_bundle: object
) -> None:
    _, files = _bag(bundle_zip)
    rows = list(
        csv.DictReader(io.StringIO(files["data/chain_of_custody.csv"].decode()))
    )
    actions = {(r["document_id"], r["action"]) for r in rows}
    assert ("RPA.001.001.0001", "upload") in actions
    assert ("MATTER", "hold_placed") in actions
    assert ("MATTER", "export") in actions
    head = next(r for r in rows if r["object_id"] == "audit-chain-head")
    assert len(head["hash"]) == 64
    info = files["bag-info.txt"].decode()
    assert f"Audit-Chain-Head: {head['sequence']} {head['hash']}" in info
    assert built_bundle.audit_head_hash == head["hash"]  # type: ignore[attr-defined]
    assert files["data/chain_of_custody.pdf"].startswith(b"%PDF")


def test_rendered_pdfs_carry_the_document_number(bundle_zip: Path) -> None:
    from pypdf import PdfReader

    _, files = _bag(bundle_zip)
    single = PdfReader(io.BytesIO(files["data/rendered/RPA.001.001.0002.pdf"]))
    assert "RPA.001.001.0002" in single.pages[0].extract_text()
    combined = PdfReader(io.BytesIO(files["data/rendered/combined.pdf"]))
    assert len(combined.pages) == 2
    assert "RPA.001.001.0001" in combined.pages[0].extract_text()
