"""Sensitive images stay off contact sheets of a whole set unless chosen explicitly."""

import pytest
from django.contrib.auth.models import User

from hardcopy.services import request_hard_copy, request_patient_hard_copy
from imaging.safety.sensitive import mark_sensitive
from records.models import Patient
from tests.factories import capture, jpeg_bytes

pytestmark = pytest.mark.django_db


def test_contact_sheet_of_the_whole_set_leaves_out_sensitive_images(
    nurse: User, patient: Patient
) -> None:
    plain = capture(actor=nurse, patient=patient)
    private = capture(actor=nurse, patient=patient, data=jpeg_bytes(color="navy"))
    mark_sensitive(actor=nurse, image=private, sensitivity="intimate")
    sheet = request_patient_hard_copy(
        actor=nurse, patient=patient, layout="contact_sheet"
    )
    assert list(sheet.images.all()) == [plain]
    chosen = request_hard_copy(
        actor=nurse,
        image_ids=[str(plain.public_id), str(private.public_id)],
        layout="contact_sheet",
    )
    assert set(chosen.images.all()) == {plain, private}
    # One image per page of the whole set is the full record, sensitive included.
    whole = request_patient_hard_copy(actor=nurse, patient=patient)
    assert set(whole.images.all()) == {plain, private}
