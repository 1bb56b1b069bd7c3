"""The VL Photographic Image a photo becomes, checked offline (dcmtk, dicom3tools, Pillow)."""

import dataclasses
import io
import shutil
import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from pydicom import dcmread
from pydicom.encaps import generate_frames
from pydicom.uid import ExplicitVRLittleEndian, JPEGBaseline8Bit

from interop.dicom.build import build_dataset, dataset_bytes, sop_instance_uid
from interop.dicom.exceptions import UnsupportedImage
from tests.interop.photos import baseline_jpeg, encoded, photo_for, wound_picture

FORMATS = {
    "jpeg": ("image/jpeg", lambda: baseline_jpeg()),
    "png": ("image/png", lambda: encoded(wound_picture(), "PNG")),
    "heic": ("image/heic", lambda: encoded(wound_picture(), "HEIF", quality=90)),
    "webp": ("image/webp", lambda: encoded(wound_picture(), "WEBP", quality=80)),
    "tiff": ("image/tiff", lambda: encoded(wound_picture(), "TIFF")),
}


def _tool(name: str) -> str:
    path = shutil.which(name)
    # Never skipped: make system-deps (run by make test and CI) installs both toolkits.
    assert path is not None, f"{name} is not installed: run make system-deps"
    return path


@pytest.mark.parametrize("kind", FORMATS)
def test_every_format_is_an_object_dicom3tools_and_dcmtk_accept(
    kind: str, tmp_path: Path
) -> None:
    content_type, make = FORMATS[kind]
    path = tmp_path / f"{kind}.dcm"
    path.write_bytes(dataset_bytes(build_dataset(photo_for(make(), content_type))))
    checked = subprocess.run(  # noqa: S603 - dicom3tools' validator on our own file
        [_tool("dciodvfy"), str(path)], capture_output=True, text=True, check=False
    )
    report = checked.stdout + checked.stderr
    assert "VLPhotographicImage" in report
    assert [line for line in report.splitlines() if line.startswith("Error")] == []
    dcmftest = subprocess.run(  # noqa: S603 - dcmtk's Part 10 check on our own file
        [_tool("dcmftest"), str(path)], capture_output=True, text=True, check=False
    )
    assert dcmftest.stdout.startswith("yes:")


def test_a_baseline_jpeg_is_its_own_frame() -> None:
    data = baseline_jpeg()
    ds = dcmread(
        io.BytesIO(dataset_bytes(build_dataset(photo_for(data, "image/jpeg"))))
    )
    assert ds.file_meta.TransferSyntaxUID == JPEGBaseline8Bit
    assert next(generate_frames(ds.PixelData, number_of_frames=1)) == data
    assert ds.PhotometricInterpretation == "YBR_FULL_422"  # Pillow's 4:2:0 default
    assert (ds.LossyImageCompression, ds.LossyImageCompressionMethod) == (
        "01",
        "ISO_10918_1",
    )


def test_an_unsubsampled_jpeg_is_ybr_full_and_a_grey_one_monochrome2() -> None:
    full = baseline_jpeg(subsampling=0)
    grey = encoded(wound_picture().convert("L"), "JPEG", quality=90)
    assert build_dataset(photo_for(full, "image/jpeg")).PhotometricInterpretation == (
        "YBR_FULL"
    )
    grey_ds = build_dataset(photo_for(grey, "image/jpeg"))
    assert (grey_ds.PhotometricInterpretation, grey_ds.SamplesPerPixel) == (
        "MONOCHROME2",
        1,
    )


def test_a_progressive_jpeg_is_decoded_and_stored_native_pixel_for_pixel() -> None:
    data = encoded(wound_picture(), "JPEG", quality=90, progressive=True)
    ds = build_dataset(photo_for(data, "image/jpeg"))
    assert ds.file_meta.TransferSyntaxUID == ExplicitVRLittleEndian
    assert ds.PixelData == Image.open(io.BytesIO(data)).convert("RGB").tobytes()
    assert ds.ImageType == ["ORIGINAL", "PRIMARY"]
    assert ds.LossyImageCompression == "01"


def test_a_12_bit_jpeg_is_refused_as_no_vl_image_can_hold_it() -> None:
    data = bytearray(baseline_jpeg())
    sof = data.index(b"\xff\xc0")
    data[sof + 1], data[sof + 4] = 0xC1, 12  # extended sequential, 12-bit samples
    with pytest.raises(UnsupportedImage, match="12-bit"):
        build_dataset(photo_for(bytes(data), "image/jpeg"))


def test_the_same_photo_always_gets_the_same_uids() -> None:
    photo = photo_for(baseline_jpeg(), "image/jpeg")
    first, again = build_dataset(photo), build_dataset(photo)
    for name in ("SOPInstanceUID", "StudyInstanceUID", "SeriesInstanceUID"):
        assert first[name].value == again[name].value
        assert first[name].value.startswith("2.25.")
        assert len(first[name].value) <= 64


def test_another_photo_of_the_visit_is_another_instance_of_the_same_series() -> None:
    photo = photo_for(baseline_jpeg(), "image/jpeg")
    other = dataclasses.replace(photo, image_public_id=uuid.uuid4())
    first, second = build_dataset(photo), build_dataset(other)
    assert first.SOPInstanceUID != second.SOPInstanceUID
    assert first.StudyInstanceUID == second.StudyInstanceUID
    assert first.SeriesInstanceUID == second.SeriesInstanceUID


def test_a_photo_moved_to_another_patient_is_a_new_instance() -> None:
    photo = photo_for(baseline_jpeg(), "image/jpeg")
    moved = dataclasses.replace(photo, patient_id="MRN0099")
    assert sop_instance_uid(moved) != sop_instance_uid(photo)


@pytest.mark.parametrize(
    ("acquired_at", "expected", "offset"),
    [
        (
            datetime(2026, 1, 5, 2, 30, tzinfo=UTC),
            "20260105130000.000000+1030",
            "+1030",
        ),
        (
            datetime(2026, 7, 5, 2, 30, tzinfo=UTC),
            "20260705120000.000000+0930",
            "+0930",
        ),
    ],
)
def test_times_are_the_facility_local_time_with_its_offset(
    acquired_at: datetime, expected: str, offset: str
) -> None:
    photo = photo_for(
        baseline_jpeg(),
        "image/jpeg",
        acquired_at=acquired_at,
        facility_zone="Australia/Adelaide",
    )
    ds = build_dataset(photo)
    assert ds.AcquisitionDateTime == expected
    assert ds.TimezoneOffsetFromUTC == offset
    assert (ds.StudyDate, ds.ContentDate) == (expected[:8], expected[:8])


@pytest.mark.parametrize(
    ("laterality", "expected"),
    [
        ("left", "L"),
        ("right", "R"),
        ("bilateral", "B"),
        ("midline", "U"),
        ("not_applicable", "U"),
    ],
)
def test_laterality_becomes_image_laterality(laterality: str, expected: str) -> None:
    photo = photo_for(baseline_jpeg(), "image/jpeg", laterality=laterality)
    assert build_dataset(photo).ImageLaterality == expected


def test_a_long_snomed_extension_id_goes_in_long_code_value() -> None:
    code = "1234567891000036100"  # 19 digits: longer than CodeValue (SH) holds
    photo = photo_for(baseline_jpeg(), "image/jpeg", body_site_code=code)
    region = build_dataset(photo).AnatomicRegionSequence[0]
    assert (region.LongCodeValue, region.CodingSchemeDesignator) == (code, "SCT")
    assert "CodeValue" not in region


def test_no_body_site_leaves_the_anatomic_region_empty() -> None:
    photo = photo_for(
        baseline_jpeg(), "image/jpeg", body_site_code=None, body_site_meaning=None
    )
    assert build_dataset(photo).AnatomicRegionSequence == []


def test_a_transparent_png_is_drawn_on_white_and_marked_derived() -> None:
    picture = wound_picture().convert("RGBA")
    picture.putpixel((0, 0), (0, 90, 200, 0))
    ds = build_dataset(photo_for(encoded(picture, "PNG"), "image/png"))
    assert ds.PixelData[:3] == b"\xff\xff\xff"
    assert ds.ImageType == ["DERIVED", "PRIMARY"]
    assert "transparent parts drawn on white" in ds.DerivationDescription


def test_lossless_and_lossy_webp_are_told_apart() -> None:
    lossless = encoded(wound_picture(), "WEBP", lossless=True)
    lossy = encoded(wound_picture(), "WEBP", quality=80)
    assert build_dataset(photo_for(lossless, "image/webp")).LossyImageCompression == (
        "00"
    )
    assert build_dataset(photo_for(lossy, "image/webp")).LossyImageCompression == "01"


def test_an_original_that_does_not_match_its_hash_is_refused() -> None:
    photo = photo_for(baseline_jpeg(), "image/jpeg", sha256="0" * 64)
    with pytest.raises(ValueError, match="SHA-256"):
        build_dataset(photo)


def test_a_16_bit_png_is_cut_to_8_bits_and_says_so() -> None:
    grey = wound_picture().convert("L")
    deep = grey.convert("I").point(lambda v: v * 257).convert("I;16")  # 0xAB -> 0xABAB
    ds = build_dataset(photo_for(encoded(deep, "PNG"), "image/png"))
    assert ds.PixelData == grey.convert("RGB").tobytes()
    assert ds.ImageType == ["DERIVED", "PRIMARY"]
    assert "16-bit samples reduced to 8" in ds.DerivationDescription
