"""Sensitive images are revealed only with a reason; teaching consent can be withdrawn."""

import io

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from PIL import Image

from audit.models import AuditEvent
from imaging.exceptions import InvalidField
from imaging.models import ClinicalImage
from imaging.safety.consent import CARE_EXPLANATION, usable_for, withdraw_consent
from imaging.safety.sensitive import (
    blurred,
    is_revealed,
    mark_sensitive,
    reveal_sensitive,
)
from tests.factories import jpeg_bytes

pytestmark = pytest.mark.django_db


def _request(user: User) -> object:
    request = RequestFactory().get("/")
    request.user = user
    request.session = SessionStore()
    return request


def test_revealing_needs_a_reason_and_is_audited_for_the_session(
    nurse: User, wound_photo: ClinicalImage
) -> None:
    mark_sensitive(actor=nurse, image=wound_photo, sensitivity="intimate")
    request = _request(nurse)
    with pytest.raises(InvalidField):
        reveal_sensitive(actor=nurse, image=wound_photo, reason="", request=request)
    assert not is_revealed(request, wound_photo)
    assert not AuditEvent.objects.filter(action="reveal_sensitive").exists()
    reveal_sensitive(
        actor=nurse, image=wound_photo, reason="Dressing review", request=request
    )
    assert is_revealed(request, wound_photo)
    assert AuditEvent.objects.get(action="reveal_sensitive").reason == "Dressing review"


def test_blurring_removes_detail(wound_photo: ClinicalImage) -> None:
    sharp = Image.new("RGB", (200, 200), "white")
    for x in range(0, 200, 4):
        for y in range(200):
            sharp.putpixel((x, y), (0, 0, 0))
    out = io.BytesIO()
    sharp.save(out, format="JPEG")
    soft = Image.open(io.BytesIO(blurred(out.getvalue())))
    row = [soft.getpixel((x, 100))[0] for x in range(40, 160)]
    assert max(row) - min(row) < 40  # the stripes are gone
    assert soft.size == (200, 200)
    assert blurred(jpeg_bytes())


def test_teaching_consent_is_withdrawn_and_such_use_refused(
    nurse: User, wound_photo: ClinicalImage
) -> None:
    wound_photo.consent_for_teaching = True
    wound_photo.save()
    images = ClinicalImage.objects.all()
    assert usable_for(images, "teaching").count() == 1
    withdraw_consent(
        actor=nurse, image=wound_photo, purposes=["teaching"], reason="Asked"
    )
    wound_photo.refresh_from_db()
    assert wound_photo.consent_withdrawn_at is not None
    assert usable_for(images, "teaching").count() == 0
    assert usable_for(images, "care").count() == 1
    assert AuditEvent.objects.filter(action="consent_withdrawn").count() == 1


def test_care_consent_cannot_be_withdrawn(
    nurse: User, wound_photo: ClinicalImage
) -> None:
    with pytest.raises(InvalidField, match="cannot be withdrawn"):
        withdraw_consent(actor=nurse, image=wound_photo, purposes=["care"])
    wound_photo.refresh_from_db()
    assert wound_photo.consent_for_care
    assert wound_photo.consent_withdrawn_at is None
    assert "kept for as long as the law requires" in CARE_EXPLANATION


def test_clearing_sensitivity_needs_the_image_seen_and_a_reason(
    nurse: User, wound_photo: ClinicalImage
) -> None:
    mark_sensitive(actor=nurse, image=wound_photo, sensitivity="intimate")
    request = _request(nurse)
    with pytest.raises(InvalidField, match="Reveal the image first"):
        mark_sensitive(
            actor=nurse,
            image=wound_photo,
            sensitivity="",
            reason="A knee",
            request=request,
        )
    reveal_sensitive(actor=nurse, image=wound_photo, reason="Review", request=request)
    with pytest.raises(InvalidField, match="Say why"):
        mark_sensitive(
            actor=nurse, image=wound_photo, sensitivity="", reason=" ", request=request
        )
    wound_photo.refresh_from_db()
    assert wound_photo.sensitivity == "intimate"
    assert AuditEvent.objects.filter(action="edit").count() == 1  # the marking only
    mark_sensitive(
        actor=nurse,
        image=wound_photo,
        sensitivity="",
        reason="Coded by mistake: it is the knee",
        request=request,
    )
    wound_photo.refresh_from_db()
    assert not wound_photo.is_sensitive
    cleared = AuditEvent.objects.filter(action="edit").latest("sequence")
    assert cleared.reason == "Coded by mistake: it is the knee"
    assert cleared.detail == {"field": "sensitivity", "from": "intimate", "to": ""}


def test_changing_the_kind_of_sensitivity_needs_no_reason(
    nurse: User, wound_photo: ClinicalImage
) -> None:
    mark_sensitive(actor=nurse, image=wound_photo, sensitivity="intimate")
    mark_sensitive(actor=nurse, image=wound_photo, sensitivity="forensic")
    wound_photo.refresh_from_db()
    assert wound_photo.sensitivity == "forensic"
