"""Opening a matter places its hold; bad scopes get clear errors and leave nothing behind."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from imaging.selectors import images_visible_to
from legal import services
from legal.errors import DisposedInScope, EmptyScope
from legal.holds import is_under_hold
from legal.models import ExportBundle, LegalHold, LegalMatter
from records.models import Patient
from tests.factories import FacilityFactory, PatientFactory, capture, jpeg_bytes

pytestmark = pytest.mark.django_db


def _nothing_written() -> None:
    assert not LegalMatter.objects.exists()
    assert not LegalHold.objects.exists()
    assert not AuditEvent.objects.filter(
        action__in=["matter_opened", "hold_placed"]
    ).exists()


def test_the_hold_blocks_disposal_of_every_image_in_scope(
    matter: LegalMatter,
    nurse: User,
    patient: Patient,
    wound_photo: ClinicalImage,
    second_photo: ClinicalImage,
) -> None:
    later = capture(actor=nurse, patient=patient, data=jpeg_bytes(color="green"))
    for image in (wound_photo, second_photo, later):
        assert is_under_hold(image)
    hold = matter.holds.get()
    assert hold.is_active
    assert AuditEvent.objects.filter(action="matter_opened").count() == 1


def test_a_matter_over_chosen_images_holds_only_those(
    legal_officer: User, wound_photo: ClinicalImage, second_photo: ClinicalImage
) -> None:
    services.open_matter(
        actor=legal_officer,
        reference="HCCC-77",
        kind="complaint",
        images=[wound_photo.public_id],
    )
    assert is_under_hold(wound_photo)
    assert not is_under_hold(second_photo)


def test_legal_officers_see_images_within_their_matters_scope_only(
    legal_officer: User,
    wound_photo: ClinicalImage,
    other_patient: Patient,
    nurse: User,
) -> None:
    assert not images_visible_to(legal_officer).exists()
    services.open_matter(
        actor=legal_officer,
        reference="HCCC-78",
        kind="complaint",
        images=[wound_photo.public_id],
    )
    assert list(images_visible_to(legal_officer)) == [wound_photo]


def test_an_empty_scope_is_refused_and_leaves_nothing(legal_officer: User) -> None:
    with pytest.raises(EmptyScope):
        services.open_matter(actor=legal_officer, reference="X-1", kind="foi")
    _nothing_written()


def test_a_patient_outside_the_officers_facilities_answers_404(
    legal_officer: User,
) -> None:
    stranger = PatientFactory(facility=FacilityFactory(code="FAR"))
    with pytest.raises(Http404):
        services.open_matter(
            actor=legal_officer,
            reference="X-2",
            kind="subpoena",
            patients=[stranger.public_id],
        )
    _nothing_written()


def test_an_already_disposed_image_is_refused_with_a_clear_error(
    legal_officer: User, wound_photo: ClinicalImage
) -> None:
    ClinicalImage.objects.filter(pk=wound_photo.pk).update(
        status="disposed", disposed_at=timezone.now()
    )
    with pytest.raises(DisposedInScope, match="disposal register"):
        services.open_matter(
            actor=legal_officer,
            reference="X-3",
            kind="coroner",
            images=[wound_photo.public_id],
        )
    _nothing_written()


def test_a_disposed_image_of_a_patient_in_scope_is_listed_as_disposed(
    matter: LegalMatter,
    legal_officer: User,
    second_photo: ClinicalImage,
    tmp_path: object,
) -> None:
    ClinicalImage.objects.filter(pk=second_photo.pk).update(
        status="disposed", disposed_at=timezone.now(), retention_basis="GDA 17"
    )
    from legal.building import build_export_bundle
    from tests.legal.conftest import bundle_bytes

    bundle = services.request_export(actor=legal_officer, matter=matter)
    build_export_bundle(bundle_id=bundle.pk)
    bundle.refresh_from_db()
    data = bundle_bytes(bundle, legal_officer)
    import io
    import json
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as bag:
        name = next(n for n in bag.namelist() if n.endswith("data/metadata.json"))
        docs = json.loads(bag.read(name))["documents"]
        originals = [n for n in bag.namelist() if "/data/originals/" in n]
    disposed = [d for d in docs if d["status"] == "disposed"]
    assert len(disposed) == 1
    assert "GDA 17" in disposed[0]["disposal"]
    assert disposed[0]["original_path"] == ""
    assert len(originals) == 1


def test_ward_staff_may_not_open_matters(nurse: User, patient: Patient) -> None:
    with pytest.raises(PermissionDenied):
        services.open_matter(
            actor=nurse, reference="X-4", kind="foi", patients=[patient.public_id]
        )
    _nothing_written()


def test_an_export_of_a_scope_with_no_images_is_refused(
    legal_officer: User, other_patient: Patient
) -> None:
    matter = services.open_matter(
        actor=legal_officer,
        reference="X-5",
        kind="foi",
        patients=[other_patient.public_id],
    )
    with pytest.raises(EmptyScope):
        services.request_export(actor=legal_officer, matter=matter)
    assert not ExportBundle.objects.exists()
    assert not AuditEvent.objects.filter(action="export").exists()


def test_bates_numbering_names_the_originals_abc000001_onwards(
    matter: LegalMatter, legal_officer: User, tmp_path: object
) -> None:
    import io
    import zipfile

    from legal.building import build_export_bundle
    from tests.legal.conftest import bundle_bytes

    bundle = services.request_export(
        actor=legal_officer, matter=matter, numbering="bates", prefix="abc"
    )
    build_export_bundle(bundle_id=bundle.pk)
    bundle.refresh_from_db()
    with zipfile.ZipFile(io.BytesIO(bundle_bytes(bundle, legal_officer))) as bag:
        names = sorted(
            n.split("/")[-1] for n in bag.namelist() if "/data/originals/" in n
        )
    assert names == ["ABC000001.jpg", "ABC000002.jpg"]


def test_another_legal_officer_cannot_export_a_matter_they_did_not_open(
    matter: LegalMatter, legal_officer: User
) -> None:
    colleague = User.objects.create(username="legal.colleague")
    colleague.groups.set(legal_officer.groups.all())
    with pytest.raises(Http404):
        services.request_export(actor=colleague, matter=matter)
    assert not ExportBundle.objects.exists()
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_bad_party_prefix_is_refused(
    matter: LegalMatter, legal_officer: User
) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="2 to 6 letters"):
        services.request_export(actor=legal_officer, matter=matter, prefix="R1!")
    assert not ExportBundle.objects.exists()
