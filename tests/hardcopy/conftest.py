"""Fixtures for hard copies: a paper-record facility and helpers to read the PDFs."""

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import TestCase
from PIL import Image
from pypdf import PdfReader

from hardcopy import services
from hardcopy.models import HardCopy
from imaging.models import ClinicalImage
from records.models import Facility, Patient
from tests.factories import capture
from vault import blobs

DRAW = re.compile(
    rb"(?P<w>[\d.]+) 0 0 (?P<h>[\d.]+) (?P<x>[-\d.]+) (?P<y>[-\d.]+) cm\s+/(?P<name>\S+) Do"
)


@pytest.fixture
def paper_record(facility: Facility) -> Facility:
    """The cast's facility keeps a paper record: every new image must be printed."""
    facility.electronic_record = False
    facility.save(update_fields=["electronic_record"])
    return facility


@dataclass(frozen=True)
class Embedded:
    """An image as placed on a PDF page: its pixels and its printed size."""

    data: bytes
    filters: Any
    width: int
    height: int
    drawn_w_pt: float
    drawn_h_pt: float

    @property
    def dpi(self) -> float:
        return min(
            self.width / (self.drawn_w_pt / 72), self.height / (self.drawn_h_pt / 72)
        )

    def decoded(self) -> Image.Image:
        return Image.open(io.BytesIO(self.data)).convert("RGB")


def pdf_bytes(copy: HardCopy, number: int = 1) -> bytes:
    """The decrypted PDF of a rendered hard copy (read straight from storage)."""
    pdf_file = copy.files.get(number=number)
    key = blobs.data_key(
        copy.public_id if copy.has_own_key else copy.items.get().image.public_id
    )
    return b"".join(blobs.read_decrypted(pdf_file.storage_name, key))


def embedded_images(data: bytes) -> Iterator[tuple[int, Embedded]]:
    """(page number, image) for every image drawn in the PDF."""
    reader = PdfReader(io.BytesIO(data))
    for number, page in enumerate(reader.pages, start=1):
        xobjects = page["/Resources"]["/XObject"]
        content = page.get_contents().get_data()  # type: ignore[union-attr]
        for match in DRAW.finditer(content):
            stream = xobjects["/" + match["name"].decode()].get_object()
            yield (
                number,
                Embedded(
                    data=stream._data,
                    filters=stream.get("/Filter"),
                    width=int(stream["/Width"]),
                    height=int(stream["/Height"]),
                    drawn_w_pt=float(match["w"]),
                    drawn_h_pt=float(match["h"]),
                ),
            )


def pdf_text(data: bytes) -> list[str]:
    """The text of each page, as pypdf extracts it."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def print_one(actor: User, image: ClinicalImage, **kwargs: Any) -> HardCopy:
    """Request and (inline) render a hard copy of one image."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        copy = services.request_hard_copy(
            actor=actor, image_ids=[str(image.public_id)], **kwargs
        )
    copy.refresh_from_db()
    return copy


@pytest.fixture
def printed_photo(nurse: User, patient: Patient) -> ClinicalImage:
    return capture(
        actor=nurse,
        patient=patient,
        body_site="Left forearm",
        body_site_code="14975008",
        laterality="left",
        view="Anterior",
        device="Pixel 8",
        consent_kind="written",
        consent_purposes=("care", "teaching"),
    )
