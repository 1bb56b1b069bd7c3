"""Fixtures of the PACS tests: a destination pointing at the session's Orthanc."""

import re
from typing import Any

import pytest
from django.contrib.auth.models import User

from imaging.models import ClinicalImage
from interop.models.pacs import PacsDestination
from interop.pacs.services import add_pacs_destination
from records.models import Patient
from tests.factories import capture
from tests.interop.photos import FOREARM, baseline_jpeg
from tests.orthanc import Orthanc


@pytest.fixture
def destination(pacs: Orthanc, patient: Patient) -> PacsDestination:
    return add_pacs_destination(
        name="radiology",
        facility_code=patient.facility.code,
        host=pacs.host,
        port=pacs.dicom_port,
        called_ae=pacs.called_ae,
        calling_ae=pacs.calling_ae,
    )


@pytest.fixture
def jpeg_original() -> bytes:
    """An even-length baseline JPEG: its frame at the PACS is exactly these bytes."""
    return baseline_jpeg()


@pytest.fixture
def forearm_photo(nurse: User, patient: Patient, jpeg_original: bytes) -> ClinicalImage:
    return capture(
        actor=nurse,
        patient=patient,
        data=jpeg_original,
        body_site="Left forearm",
        body_site_code=FOREARM[0],
        laterality="left",
    )


def only_instance(pacs: Orthanc) -> dict[str, Any]:
    instances = pacs.instances()
    assert len(instances) == 1
    return {"id": instances[0], **pacs.tags(instances[0])}


# A wrong called AE title: Orthanc answers A-ASSOCIATE-RJ and closes the connection;
# on a loaded machine pynetdicom sometimes sees the close before the rejection, and the
# send then says the PACS aborted. Either way the send failed, naming the association.
ASSOCIATION_REFUSED = re.compile(r"(refused|aborted or did not answer) the association")
