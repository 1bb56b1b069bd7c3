"""Building one export bundle: originals, rendered PDFs, metadata, custody, load files.

Memory stays bounded: each original is streamed from storage into the ZIP (and to one
temporary file, for rendering) a segment at a time; the combined PDF is written to disk
page by page; metadata is kept per image as a small row.
"""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.utils import timezone

from audit.models import ChainHead
from common.csvsafe import SafeDictWriter
from imaging.models import ClinicalImage
from legal import loadfiles, metadata, render
from legal.bagit import BagWriter
from legal.custody import write_custody
from legal.models import ExportBundle
from legal.numbering import number_documents
from legal.pdfstream import StreamingPdf
from legal.readme import README
from legal.scope import images_in_scope
from vault import blobs

Progress = Callable[[int, int], None]


class OriginalMismatch(Exception):
    """An original no longer matches the SHA-256 recorded at upload: never export it."""


def chain_head() -> tuple[int, str]:
    head = ChainHead.objects.filter(pk=1).first()
    return (head.sequence, head.hash) if head else (0, "")


def bag_root(bundle: ExportBundle) -> str:
    return f"{bundle.matter.reference}-{str(bundle.public_id)[:8]}".replace("/", "-")


def _add_image(
    bag: BagWriter, work: Path, combined: StreamingPdf, doc: str, image: ClinicalImage
) -> None:
    original = work / "original"
    chunks = blobs.read_decrypted(image.storage_name, blobs.data_key(image.public_id))
    digest = bag.add_stream(metadata.original_path(doc, image), chunks, tee=original)
    if digest != image.sha256:
        raise OriginalMismatch(f"The original of {image.public_id} fails its SHA-256.")
    jpeg = work / "render.jpg"
    width, height = render.downscale(original, jpeg)
    page = render.Page(doc, f"{doc}  {metadata.title_of(image)}", jpeg, width, height)
    render.render_single(page, work / "page.pdf")
    bag.add_file(metadata.rendered_path(doc), work / "page.pdf")
    combined.add_jpeg_page(jpeg, (width, height), stamp=doc, caption=page.caption)


def _write_metadata(bag: BagWriter, work: Path, rows: list[dict[str, Any]]) -> None:
    for name, fields in (
        ("metadata.csv", metadata.METADATA_FIELDS),
        ("list_of_documents.csv", metadata.LIST_FIELDS),
    ):
        with (work / name).open("w", newline="", encoding="utf-8") as handle:
            out = SafeDictWriter(handle, fields, extrasaction="ignore")
            out.writeheader()
            out.writerows(rows)
        bag.add_file(f"data/{name}", work / name)
    with (work / "metadata.json").open("w", encoding="utf-8") as handle:
        json.dump({"documents": rows}, handle, indent=1, ensure_ascii=False)
    bag.add_file("data/metadata.json", work / "metadata.json")


def _write_loadfiles(bag: BagWriter, work: Path, rows: list[dict[str, Any]]) -> None:
    def strip(path: str) -> str:
        return path.removeprefix("data/")

    dat = work / "loadfile.dat"
    with dat.open("w", encoding=loadfiles.DAT_ENCODING, newline="") as handle:
        loadfiles.write_dat(
            handle,
            (
                [
                    r["document_id"],
                    r["document_id"],
                    r["title"],
                    r["type"],
                    r["date"],
                    r["author"],
                    r["patient_mrn"],
                    r["patient_name"],
                    r["body_site_code"],
                    r["body_site_term"] or r["body_site"],
                    r["laterality"],
                    r["view"],
                    r["sha256_at_upload"],
                    r["status"] if not r["disposal"] else r["disposal"],
                    loadfiles.windows_path(strip(r["original_path"])),
                    loadfiles.windows_path(strip(r["rendered_path"])),
                ]
                for r in rows
            ),
        )
    bag.add_file("data/loadfiles/export.dat", dat)
    opt = work / "loadfile.opt"
    with opt.open("w", encoding="utf-8", newline="") as handle:
        loadfiles.write_opt(
            handle,
            (
                (r["document_id"], "VOL001", strip(r["rendered_path"]))
                for r in rows
                if r["rendered_path"]
            ),
        )
    bag.add_file("data/loadfiles/export.opt", opt)


def build_bag(
    bundle: ExportBundle, zip_path: Path, work: Path, on_image: Progress
) -> tuple[int, str]:
    """Write the whole bag into zip_path; return the image count and the chain head hash."""
    head = chain_head()
    images = list(images_in_scope(bundle.matter))
    numbers = number_documents(
        bundle.numbering, bundle.document_prefix, (i.patient_id for i in images)
    )
    documents = list(zip(numbers, images, strict=True))
    bag = BagWriter(zip_path, bag_root(bundle))
    combined = StreamingPdf(work / "combined.pdf", title=bundle.matter.reference)
    rows: list[dict[str, Any]] = []
    try:
        for done, (doc, image) in enumerate(documents, start=1):
            if image.status == ClinicalImage.Status.ACTIVE:
                _add_image(bag, work, combined, doc, image)
            rows.append(metadata.describe(doc, image))
            on_image(done, len(documents))
        combined.close()
        bag.add_file("data/rendered/combined.pdf", work / "combined.pdf")
        _write_metadata(bag, work, rows)
        _write_loadfiles(bag, work, rows)
        write_custody(
            bundle=bundle,
            documents=documents,
            head=head,
            csv_path=work / "custody.csv",
            pdf_path=work / "custody.pdf",
        )
        bag.add_file("data/chain_of_custody.csv", work / "custody.csv")
        bag.add_file("data/chain_of_custody.pdf", work / "custody.pdf")
        bag.add_text("README.txt", README)
        bag.finish(_bag_info(bundle, rows, head))
    except BaseException:
        combined.abort()
        bag.abort()
        raise
    return len(documents), head[1]


def _bag_info(
    bundle: ExportBundle, rows: list[dict[str, Any]], head: tuple[int, str]
) -> list[tuple[str, str]]:
    matter = bundle.matter
    disposed = sum(1 for r in rows if r["disposal"])
    return [
        ("Source-Organization", "Custodian clinical image record"),
        ("External-Identifier", matter.reference),
        (
            "External-Description",
            f"{matter.get_kind_display()}: {matter.court_or_body}",
        ),
        ("Bagging-Date", timezone.localdate().isoformat()),
        ("Bag-Software-Agent", "Custodian export bundle"),
        ("Contact-Name", bundle.requested_by.get_username()),
        ("Matter-Reference", matter.reference),
        ("Matter-Kind", matter.kind),
        ("Requested-By", bundle.requested_by.get_username()),
        ("Export-Id", str(bundle.public_id)),
        ("Document-Numbering", f"{bundle.numbering} {bundle.document_prefix}"),
        ("Document-Count", str(len(rows))),
        ("Original-Count", str(len(rows) - disposed)),
        ("Disposed-Count", str(disposed)),
        ("Audit-Chain-Head", f"{head[0]} {head[1]}"),
    ]
