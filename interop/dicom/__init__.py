"""DICOM out to a PACS (DESIGN.md section 9): the photo as a VL Photographic Image, sent.

Standalone: imports none of Custodian's apps, only the standard library, Pillow,
pillow-heif, pydicom and pynetdicom. The Django side reads an image's rows into a
PhotoForPacs and calls::

    ds = build_dataset(photo)                     # raises UnsupportedImage, ValueError
    result = send(ds, host=..., port=..., called_ae=..., calling_ae=..., timeout=30)
    result = stow(ds, base_url=".../dicom-web", timeout=30)   # DICOMweb instead
    result.sop_instance_uid                       # record it on the PacsSend

`send` and `stow` raise AssociationRefused or SendFailed (both PacsError, with `reason`
and `transient`): a task retries a transient failure (no connection, busy PACS, out of
resources, a refused association) and marks the send failed otherwise (a rejected object).

What the object is: SOP class 1.2.840.10008.5.1.4.1.1.77.1.4, Modality XC, PatientID the
MRN and IssuerOfPatientID the facility code, SNOMED CT body site (scheme SCT) in
AnatomicRegionSequence, ImageLaterality R/L/B/U, dates and times in the facility's zone
with TimezoneOffsetFromUTC, UTF-8 names (ISO_IR 192). A baseline 8-bit JPEG goes in byte
for byte (JPEG Baseline; the frame is the original plus one 0x00 after EOI when its
length is odd, as DICOM values are even). A progressive JPEG, PNG, HEIC, WebP or TIFF is
decoded and stored as native 8-bit RGB (Explicit VR Little Endian): the decoded pixels,
unchanged, except where an ImageType of DERIVED and DerivationDescription say otherwise
(transparency drawn on white, 16-bit samples cut to 8, CMYK converted, an EXIF
orientation applied). pillow-heif hands Pillow 8-bit samples, so a 10-bit HEIC loses its
two low bits without saying so. A 12-bit JPEG is refused: a VL image holds 8 bits.

What a PACS needs:
- A C-STORE SCP (host, port, its AE title) that accepts VL Photographic Image Storage in
  JPEG Baseline and Explicit VR Little Endian, and that knows Custodian's calling AE
  title (and usually its address); for DICOMweb, a STOW-RS base URL and a credential.
- The same patient domain: PatientID with IssuerOfPatientID must name the patient the
  PACS knows from the PAS feed, or the photo lands on an unmatched or wrong patient.
- Resends replace: the SOP Instance UID is fixed per image and patient, so a resend
  (after an edit, or a retry after a lost answer) must overwrite the stored copy; many
  PACS keep the first copy unless told otherwise (Orthanc: OverwriteInstances).
- Photos are unscheduled: with no order there is no accession number; a PACS that files
  only ordered studies must accept them or reconcile them.

When an image is moved to another patient: the SOP Instance UID is derived from the
image and the patient, so the resend under the right patient is a new instance, never a
second copy of the old UID (one UID naming two patients would let a PACS merge them, and
a rejection of the old UID would also hide the corrected image). The old instance stays
filed under the wrong patient until it is removed: the PACS administrator deletes it, or
Custodian sends an IHE IOCM rejection note (Key Object Selection, SOP class
1.2.840.10008.5.1.4.1.1.88.59, title (113038, DCM, "Incorrect Modality Worklist Entry"),
referencing the old study, series and SOP Instance UIDs, which the PacsSend rows keep).
Building that note is not done here yet. A merge (ADT A40) is the same person: a PACS fed
by the PAS merges its own copy, so resend only to a PACS without that feed, and reject the
old instances there too.

Hazard: a JPEG sent unchanged keeps its EXIF orientation, which DICOM viewers ignore; a
portrait photo may show on its side. Turning it upright would change the JPEG's bytes
(a lossless jpegtran rotation) or decode it; the contract keeps the bytes.
"""

from interop.dicom.build import PhotoForPacs, build_dataset, dataset_bytes
from interop.dicom.exceptions import (
    AssociationRefused,
    PacsError,
    SendFailed,
    UnsupportedImage,
)
from interop.dicom.send import SendResult, send
from interop.dicom.stow import stow

__all__ = [
    "AssociationRefused",
    "PacsError",
    "PhotoForPacs",
    "SendFailed",
    "SendResult",
    "UnsupportedImage",
    "build_dataset",
    "dataset_bytes",
    "send",
    "stow",
]
