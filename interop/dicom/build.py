"""A clinical photo as a VL Photographic Image Storage object (PS3.3 A.33.4)."""

import hashlib
import io
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pydicom import dcmwrite
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.uid import UID

from interop.dicom.pixels import CONTENT_TYPES, Pixels, pixels_for

VL_PHOTOGRAPHIC_IMAGE_STORAGE = UID("1.2.840.10008.5.1.4.1.1.77.1.4")
# Fixed forever: every UID Custodian has ever sent is derived from it, so changing it
# would turn each resend into a duplicate in every PACS.
UID_NAMESPACE = uuid.UUID("b390cee5-675b-4cba-9074-ca94fce29acf")
IMPLEMENTATION_CLASS_UID = UID(
    f"2.25.{uuid.uuid5(UID_NAMESPACE, 'implementation').int}"
)
IMPLEMENTATION_VERSION_NAME = "CUSTODIAN_1"
IMAGE_LATERALITY = {
    "left": "L",
    "right": "R",
    "bilateral": "B",
    "midline": "U",
    "not_applicable": "U",
}
SEXES = frozenset({"M", "F", "O", ""})
_LO, _SH = 64, 16  # the longest Long String and Short String values


@dataclass(frozen=True)
class PhotoForPacs:
    """Everything the PACS object says, as plain values the Django side reads off rows.

    study_key and series_key are the caller's choice (an encounter's public id, or
    patient and capture day): one key, one Study Instance UID, on every send.
    """

    patient_id: str  # the MRN
    issuer_of_patient_id: str  # the facility code
    family_name: str
    given_names: str
    birth_on: date | None
    sex: str  # M, F, O or "" (unknown)
    image_public_id: uuid.UUID
    study_key: str
    study_description: str
    series_key: str
    acquired_at: datetime  # aware
    facility_zone: str  # e.g. "Australia/Perth": DICOM dates are local, with offset
    body_site_code: str | None  # SNOMED CT concept id
    body_site_meaning: str | None
    laterality: str  # left, right, bilateral, midline, not_applicable
    operator_name: str  # a DICOM person name, "Family^Given"
    manufacturer: str
    device_model: str
    institution_name: str
    accession_number: str | None
    original: bytes = field(repr=False)
    content_type: str
    sha256: str


def build_dataset(photo: PhotoForPacs) -> Dataset:
    """The VL Photographic Image for a photo; the same photo always gives the same UIDs."""
    _check(photo)
    pixels = pixels_for(photo.original, photo.content_type)
    ds = Dataset()
    ds.file_meta = _file_meta(sop_instance_uid(photo), pixels.transfer_syntax)
    _sop_common(ds, photo)
    _patient(ds, photo)
    _study_and_series(ds, photo)
    _equipment(ds, photo)
    _image(ds, photo, pixels)
    _image_pixel(ds, pixels)
    return ds


def dataset_bytes(ds: Dataset) -> bytes:
    """The dataset as a DICOM Part 10 file (preamble, DICM, file meta)."""
    out = io.BytesIO()
    dcmwrite(out, ds, enforce_file_format=True)
    return out.getvalue()


def derived_uid(*parts: str) -> UID:
    """A UID under 2.25 (PS3.5 B.2) from a name-based UUID of the parts."""
    return UID(f"2.25.{uuid.uuid5(UID_NAMESPACE, '|'.join(parts)).int}")


def _patient_key(photo: PhotoForPacs) -> str:
    return f"{photo.issuer_of_patient_id}|{photo.patient_id}"


def sop_instance_uid(photo: PhotoForPacs) -> UID:
    """Fixed per image and patient: a resend replaces, a move to another patient is new.

    Reusing the UID under another patient would make one UID name two patients' records,
    and an IOCM rejection of the old instance would reject the corrected one too.
    """
    return derived_uid("sop", _patient_key(photo), str(photo.image_public_id))


def study_instance_uid(photo: PhotoForPacs) -> UID:
    return derived_uid("study", _patient_key(photo), photo.study_key)


def series_instance_uid(photo: PhotoForPacs) -> UID:
    return derived_uid("series", _patient_key(photo), photo.study_key, photo.series_key)


def _check(photo: PhotoForPacs) -> None:
    """Refuse what would make a wrong or unreadable object, before building anything."""
    if hashlib.sha256(photo.original).hexdigest() != photo.sha256.lower():
        raise ValueError("The original's bytes do not match its SHA-256.")
    if photo.acquired_at.utcoffset() is None:
        raise ValueError("acquired_at must be timezone-aware.")
    if photo.laterality not in IMAGE_LATERALITY:
        raise ValueError(f"Unknown laterality {photo.laterality!r}.")
    if photo.sex not in SEXES:
        raise ValueError(f"Unknown sex {photo.sex!r}.")
    if photo.content_type not in CONTENT_TYPES:
        raise ValueError(f"{photo.content_type} cannot be sent to a PACS.")
    if not photo.patient_id or len(photo.patient_id) > _LO:
        raise ValueError("The MRN must be 1 to 64 characters.")
    if len(photo.accession_number or "") > _SH:
        raise ValueError("An accession number holds at most 16 characters.")


def _file_meta(instance_uid: UID, transfer_syntax: UID) -> FileMetaDataset:
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = VL_PHOTOGRAPHIC_IMAGE_STORAGE
    meta.MediaStorageSOPInstanceUID = instance_uid
    meta.TransferSyntaxUID = transfer_syntax
    meta.ImplementationClassUID = IMPLEMENTATION_CLASS_UID
    meta.ImplementationVersionName = IMPLEMENTATION_VERSION_NAME
    return meta


def _local(photo: PhotoForPacs) -> datetime:
    return photo.acquired_at.astimezone(ZoneInfo(photo.facility_zone))


def _sop_common(ds: Dataset, photo: PhotoForPacs) -> None:
    ds.SpecificCharacterSet = "ISO_IR 192"  # UTF-8: names need not be ASCII
    ds.SOPClassUID = VL_PHOTOGRAPHIC_IMAGE_STORAGE
    ds.SOPInstanceUID = sop_instance_uid(photo)
    ds.TimezoneOffsetFromUTC = _local(photo).strftime("%z")


def _patient(ds: Dataset, photo: PhotoForPacs) -> None:
    ds.PatientName = f"{_pn(photo.family_name)}^{_pn(photo.given_names)}"
    ds.PatientID = photo.patient_id
    ds.IssuerOfPatientID = _text(photo.issuer_of_patient_id, _LO)
    ds.PatientBirthDate = photo.birth_on.strftime("%Y%m%d") if photo.birth_on else ""
    ds.PatientSex = photo.sex


def _study_and_series(ds: Dataset, photo: PhotoForPacs) -> None:
    local = _local(photo)
    ds.StudyInstanceUID = study_instance_uid(photo)
    ds.StudyDate = ds.SeriesDate = local.strftime("%Y%m%d")
    ds.StudyTime = ds.SeriesTime = local.strftime("%H%M%S")
    ds.ReferringPhysicianName = ""
    ds.StudyID = ""
    ds.AccessionNumber = photo.accession_number or ""
    ds.StudyDescription = _text(photo.study_description, _LO)
    ds.Modality = "XC"  # external-camera photography
    ds.SeriesInstanceUID = series_instance_uid(photo)
    ds.SeriesNumber = ""
    ds.OperatorsName = _text(photo.operator_name.replace("=", " "), _LO)


def _equipment(ds: Dataset, photo: PhotoForPacs) -> None:
    ds.Manufacturer = _text(photo.manufacturer, _LO)
    ds.ManufacturerModelName = _text(photo.device_model, _LO)
    ds.InstitutionName = _text(photo.institution_name, _LO)


def _image(ds: Dataset, photo: PhotoForPacs, pixels: Pixels) -> None:
    local = _local(photo)
    ds.InstanceNumber = ""
    ds.PatientOrientation = ""
    ds.ContentDate = local.strftime("%Y%m%d")
    ds.ContentTime = local.strftime("%H%M%S.%f")
    ds.AcquisitionDateTime = local.strftime("%Y%m%d%H%M%S.%f%z")
    ds.ImageType = ["DERIVED" if pixels.derivation else "ORIGINAL", "PRIMARY"]
    if pixels.derivation:
        ds.DerivationDescription = _text(pixels.derivation, 1024)
    ds.ImageLaterality = IMAGE_LATERALITY[photo.laterality]
    ds.AcquisitionContextSequence = []
    ds.AnatomicRegionSequence = _anatomic_region(photo)
    _lossy_compression(ds, pixels)


def _anatomic_region(photo: PhotoForPacs) -> list[Dataset]:
    if not photo.body_site_code:
        return []
    code = Dataset()
    # SNOMED CT extension ids can pass 16 digits, more than CodeValue (SH) holds.
    if len(photo.body_site_code) > _SH:
        code.LongCodeValue = photo.body_site_code
    else:
        code.CodeValue = photo.body_site_code
    code.CodingSchemeDesignator = "SCT"
    code.CodeMeaning = _text(photo.body_site_meaning or photo.body_site_code, _LO)
    return [code]


def _lossy_compression(ds: Dataset, pixels: Pixels) -> None:
    ds.LossyImageCompression = "01" if pixels.is_lossy else "00"
    if pixels.is_lossy and pixels.lossy_method:
        ds.LossyImageCompressionMethod = pixels.lossy_method
        if pixels.is_encapsulated:
            decoded = pixels.rows * pixels.columns * pixels.samples_per_pixel
            ds.LossyImageCompressionRatio = f"{decoded / len(pixels.data):.2f}"


def _image_pixel(ds: Dataset, pixels: Pixels) -> None:
    ds.SamplesPerPixel = pixels.samples_per_pixel
    ds.PhotometricInterpretation = pixels.photometric
    if pixels.samples_per_pixel > 1:
        ds.PlanarConfiguration = 0
    ds.Rows = pixels.rows
    ds.Columns = pixels.columns
    ds.BitsAllocated = 8
    ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    if pixels.icc_profile:
        ds.ICCProfile = pixels.icc_profile
    if pixels.is_encapsulated:
        # One frame, one fragment, empty offset table: the frame is the original's bytes
        # (padded with one 0x00 after EOI if odd, as every DICOM value must be even).
        ds.PixelData = encapsulate([pixels.data])
        ds["PixelData"].VR = "OB"
        ds["PixelData"].is_undefined_length = True
    else:
        ds.PixelData = pixels.data
        ds["PixelData"].VR = "OB"


def _text(value: str, limit: int) -> str:
    """One value of a DICOM string: no backslash (the value separator), no line breaks."""
    flat = " ".join(value.replace("\\", "/").split())
    return flat[:limit]


def _pn(value: str) -> str:
    """A person name component: ^ and = separate components and groups in PN."""
    return _text(value.replace("^", " ").replace("=", " "), _LO)
