"""Photos sent by C-STORE to a real PACS (Orthanc), then read back through its REST API."""

import dataclasses
import io
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image

from interop.dicom.build import PhotoForPacs, build_dataset, dataset_bytes
from interop.dicom.exceptions import AssociationRefused, SendFailed
from interop.dicom.send import SendResult, send
from interop.dicom.stow import stow
from tests.interop.photos import (
    FOREARM,
    baseline_jpeg,
    encoded,
    photo_for,
    sha256,
    wound_picture,
)
from tests.orthanc import Orthanc, free_ports

VL_PHOTOGRAPHIC = "1.2.840.10008.5.1.4.1.1.77.1.4"


def _send(pacs: Orthanc, photo: PhotoForPacs, **changes: Any) -> SendResult:
    where: dict[str, Any] = {
        "host": pacs.host,
        "port": pacs.dicom_port,
        "called_ae": pacs.called_ae,
        "calling_ae": pacs.calling_ae,
        "timeout": 10,
    }
    return send(build_dataset(photo), **(where | changes))


def _only_instance(pacs: Orthanc) -> str:
    instances = pacs.instances()
    assert len(instances) == 1
    return instances[0]


def test_a_jpeg_reaches_the_pacs_unchanged_and_filed_under_the_mrn(
    pacs: Orthanc,
) -> None:
    data = baseline_jpeg()
    result = _send(pacs, photo_for(data, "image/jpeg"))
    instance = _only_instance(pacs)
    tags = pacs.tags(instance)
    assert sha256(pacs.frame(instance)) == sha256(data)
    assert tags["SOPInstanceUID"] == result.sop_instance_uid
    assert (tags["PatientID"], tags["IssuerOfPatientID"]) == ("MRN0042", "RHH")
    assert (tags["Modality"], tags["SOPClassUID"]) == ("XC", VL_PHOTOGRAPHIC)
    region = tags["AnatomicRegionSequence"][0]
    assert (region["CodeValue"], region["CodingSchemeDesignator"]) == (
        FOREARM[0],
        "SCT",
    )
    assert tags["ImageLaterality"] == "L"
    # 02:30 UTC is 10:30 in Perth.
    assert tags["AcquisitionDateTime"] == "20260105103000.000000+0800"
    assert (tags["StudyDate"], tags["StudyTime"]) == ("20260105", "103000")
    assert tags["TimezoneOffsetFromUTC"] == "+0800"
    assert pacs.patient_ids() == ["MRN0042"]
    assert len(pacs.json("/studies")) == 1


def test_an_odd_length_jpeg_is_the_frame_less_its_even_length_pad(
    pacs: Orthanc,
) -> None:
    data = baseline_jpeg(odd_length=True)
    _send(pacs, photo_for(data, "image/jpeg"))
    assert pacs.frame(_only_instance(pacs)) == data + b"\x00"


def test_a_png_reaches_the_pacs_with_every_pixel_unchanged(pacs: Orthanc) -> None:
    data = encoded(wound_picture(), "PNG")
    _send(pacs, photo_for(data, "image/png"))
    instance = _only_instance(pacs)
    assert pacs.frame(instance) == Image.open(io.BytesIO(data)).tobytes()
    assert pacs.tags(instance)["LossyImageCompression"] == "00"


MAKERS: dict[str, tuple[str, Callable[[], bytes]]] = {
    "heic": ("image/heic", lambda: encoded(wound_picture(), "HEIF", quality=90)),
    "webp": ("image/webp", lambda: encoded(wound_picture(), "WEBP", lossless=True)),
    "tiff": ("image/tiff", lambda: encoded(wound_picture(), "TIFF")),
}


@pytest.mark.parametrize("kind", MAKERS)
def test_heic_webp_and_tiff_arrive_as_their_decoded_pixels(
    pacs: Orthanc, kind: str
) -> None:
    content_type, make = MAKERS[kind]
    data = make()
    _send(pacs, photo_for(data, content_type))
    instance = _only_instance(pacs)
    decoded = Image.open(io.BytesIO(data)).convert("RGB")
    assert pacs.frame(instance) == decoded.tobytes()
    assert pacs.tags(instance)["PatientID"] == "MRN0042"


def test_a_resend_replaces_and_leaves_exactly_one_instance(pacs: Orthanc) -> None:
    photo = photo_for(baseline_jpeg(), "image/jpeg")
    first = _send(pacs, photo)
    again = _send(pacs, dataclasses.replace(photo, study_description="Wound day 3"))
    assert first.sop_instance_uid == again.sop_instance_uid
    assert pacs.tags(_only_instance(pacs))["StudyDescription"] == "Wound day 3"


def test_the_part_10_bytes_send_as_well_as_the_dataset(pacs: Orthanc) -> None:
    photo = photo_for(encoded(wound_picture(), "PNG"), "image/png")
    send(
        dataset_bytes(build_dataset(photo)),
        host=pacs.host,
        port=pacs.dicom_port,
        called_ae=pacs.called_ae,
        calling_ae=pacs.calling_ae,
        timeout=10,
    )
    assert pacs.tags(_only_instance(pacs))["PatientID"] == "MRN0042"


def test_a_wrong_called_ae_is_refused_and_leaves_nothing(pacs: Orthanc) -> None:
    with pytest.raises(
        AssociationRefused, match="Called AE title not recognised"
    ) as no:
        _send(pacs, photo_for(baseline_jpeg(), "image/jpeg"), called_ae="NOT_THE_PACS")
    # Retried: the fix is a change of AE title configuration, read afresh on each try.
    assert no.value.transient
    assert pacs.instances() == []
    assert pacs.patient_ids() == []


def test_an_unknown_calling_ae_is_refused_and_leaves_nothing(pacs: Orthanc) -> None:
    with pytest.raises(AssociationRefused, match="Calling AE title not recognised"):
        _send(pacs, photo_for(baseline_jpeg(), "image/jpeg"), calling_ae="STRANGER")
    assert pacs.instances() == []


def test_a_pacs_that_is_not_listening_is_a_failure_worth_retrying(
    pacs: Orthanc,
) -> None:
    (closed_port,) = free_ports(1)
    with pytest.raises(SendFailed, match="No connection") as failed:
        _send(pacs, photo_for(baseline_jpeg(), "image/jpeg"), port=closed_port)
    assert failed.value.transient
    assert pacs.instances() == []


def test_a_photo_moved_to_another_patient_is_filed_anew_until_the_old_is_deleted(
    pacs: Orthanc,
) -> None:
    photo = photo_for(baseline_jpeg(), "image/jpeg")
    wrong = _send(pacs, photo)
    right = _send(pacs, dataclasses.replace(photo, patient_id="MRN0099"))
    assert sorted(pacs.patient_ids()) == ["MRN0042", "MRN0099"]
    old = next(
        instance
        for instance in pacs.instances()
        if pacs.tags(instance)["SOPInstanceUID"] == wrong.sop_instance_uid
    )
    pacs.delete_instance(old)
    assert pacs.tags(_only_instance(pacs))["SOPInstanceUID"] == right.sop_instance_uid
    assert pacs.patient_ids() == ["MRN0099"]


def test_stow_rs_stores_the_same_instance_over_dicomweb(pacs: Orthanc) -> None:
    data = baseline_jpeg()
    photo = photo_for(data, "image/jpeg")
    result = stow(build_dataset(photo), base_url=pacs.dicomweb_url, timeout=10)
    stow(dataset_bytes(build_dataset(photo)), base_url=pacs.dicomweb_url, timeout=10)
    instance = _only_instance(pacs)
    assert pacs.tags(instance)["SOPInstanceUID"] == result.sop_instance_uid
    assert sha256(pacs.frame(instance)) == sha256(data)


def test_stow_rs_to_a_wrong_path_fails_for_good_and_leaves_nothing(
    pacs: Orthanc,
) -> None:
    photo = photo_for(baseline_jpeg(), "image/jpeg")
    with pytest.raises(SendFailed, match="HTTP 404") as failed:
        stow(build_dataset(photo), base_url=f"{pacs.http_url}/nowhere", timeout=10)
    assert not failed.value.transient
    assert pacs.instances() == []
