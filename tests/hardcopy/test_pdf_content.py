"""A hard copy's PDF names the patient, the image's provenance and the disclosure."""

import pytest
from django.contrib.auth.models import User
from django.test import TestCase
from django.utils import timezone

from hardcopy import pdf, services
from hardcopy.rendering import image_sheet
from imaging.models import ClinicalImage
from records.models import Patient, Ward
from tests.factories import capture, jpeg_bytes
from tests.hardcopy.conftest import embedded_images, pdf_bytes, pdf_text, print_one

pytestmark = pytest.mark.django_db


def test_every_page_carries_every_required_field(
    nurse: User, patient: Patient, ward: Ward, printed_photo: ClinicalImage
) -> None:
    nurse.first_name, nurse.last_name = "Nora", "Nightingale"
    nurse.save()
    copy = print_one(nurse, printed_photo)
    assert copy.status == "ready"
    [text] = pdf_text(pdf_bytes(copy))
    flat = " ".join(text.split())
    captured = timezone.localtime(printed_photo.captured_at).strftime("%d/%m/%Y %H:%M")
    for expected in (
        "CITIZEN, Jane",
        f"MRN {patient.mrn}",
        f"Date of birth {patient.date_of_birth:%d/%m/%Y}",
        "Royal Harbour Hospital",
        "Ward 5A Surgical",
        "Captured by Nora Nightingale on " + captured,
        "Mode: Personal mobile device; device: Pixel 8",
        "Uploaded by Nora Nightingale on",
        "Body site: Forearm (SNOMED CT 14975008)",
        "Laterality: Left; view: Anterior; note: Left forearm",
        "Consent: Written (purposes: care, teaching)",
        f"Record {printed_photo.public_id}",
        f"SHA-256 {printed_photo.sha256[:16]}",
        "Printed by Nora Nightingale on",
        "Page 1 of 1",
        "Clinical record: confidential",
    ):
        assert expected in flat, expected


def test_times_are_printed_in_the_facilitys_own_zone(
    nurse: User, patient: Patient, printed_photo: ClinicalImage
) -> None:
    facility = patient.facility
    facility.time_zone = "Australia/Perth"
    facility.save()
    copy = print_one(nurse, printed_photo)
    flat = " ".join(pdf_text(pdf_bytes(copy))[0].split())
    assert "AWST" in flat
    assert "AEDT" not in flat
    assert "AEST" not in flat


def test_the_qr_code_names_the_image_for_refiling(
    printed_photo: ClinicalImage,
) -> None:
    sheet = image_sheet(printed_photo, "Australia/Sydney", b"\0" * 32)
    assert sheet.qr_payload == f"CUSTODIAN:IMAGE:{printed_photo.public_id}"


def test_a_contact_sheet_puts_six_images_on_a_page_and_counts_pages(
    nurse: User, patient: Patient
) -> None:
    images = [
        capture(
            actor=nurse, patient=patient, data=jpeg_bytes(color=f"#{n * 30:02x}8040")
        )
        for n in range(7)
    ]
    with TestCase.captureOnCommitCallbacks(execute=True):
        copy = services.request_hard_copy(
            actor=nurse,
            image_ids=[str(i.public_id) for i in images],
            layout="contact_sheet",
        )
    copy.refresh_from_db()
    assert copy.page_count == 2
    data = pdf_bytes(copy)
    pages = pdf_text(data)
    assert len(pages) == 2
    assert "Page 1 of 2" in pages[0]
    assert "Page 2 of 2" in pages[1]
    every = " ".join(" ".join(p.split()) for p in pages)
    for image in images:
        assert str(image.public_id) in every
    per_page = [n for n, _ in embedded_images(data)]
    assert per_page.count(1) == pdf.PER_PAGE["contact_sheet"]
    assert per_page.count(2) == 1
