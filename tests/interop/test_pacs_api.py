"""POST /api/images/{id}/pacs-sends/ and GET /api/pacs-sends/{id}/, with the image API's rule."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from interop.models.pacs import PacsDestination, PacsSend
from interop.pacs import services
from tests.conftest import _api_client_for
from tests.factories import capture
from tests.interop.pacs_fixtures import ASSOCIATION_REFUSED, only_instance
from tests.interop.photos import baseline_jpeg
from tests.orthanc import Orthanc

pytestmark = pytest.mark.django_db


def _post(client: Any, image: ClinicalImage, on_commit: Any, **body: Any) -> Any:
    with on_commit(execute=True):
        return client.post(
            f"/api/images/{image.public_id}/pacs-sends/", body, format="json"
        )


def test_a_nurse_sends_a_photo_and_follows_it_to_sent(
    nurse_api: Any,
    forearm_photo: ClinicalImage,
    destination: PacsDestination,
    pacs: Orthanc,
    django_capture_on_commit_callbacks: Any,
) -> None:
    answer = _post(
        nurse_api,
        forearm_photo,
        django_capture_on_commit_callbacks,
        destination="radiology",
    )
    assert answer.status_code == 202
    assert set(answer.json()) == {"id", "status"}
    detail = nurse_api.get(f"/api/pacs-sends/{answer.json()['id']}/")
    assert detail.status_code == 200
    body = detail.json()
    assert body["status"] == "sent"
    assert body["sop_instance_uid"] == only_instance(pacs)["SOPInstanceUID"]
    assert body["image"] == str(forearm_photo.public_id)
    assert body["destination"] == "radiology"


def test_an_outsider_gets_404_and_nothing_is_written(
    outsider: User,
    forearm_photo: ClinicalImage,
    destination: PacsDestination,
    pacs: Orthanc,
    django_capture_on_commit_callbacks: Any,
) -> None:
    events_before = AuditEvent.objects.count()
    answer = _post(
        _api_client_for(outsider),
        forearm_photo,
        django_capture_on_commit_callbacks,
        destination="radiology",
    )
    assert answer.status_code == 404
    assert answer.json() == {"detail": "No such image."}
    assert not PacsSend.objects.exists()
    assert AuditEvent.objects.count() == events_before
    assert pacs.instances() == []


def test_an_outsider_cannot_read_a_send(
    nurse_api: Any,
    outsider: User,
    forearm_photo: ClinicalImage,
    destination: PacsDestination,
    django_capture_on_commit_callbacks: Any,
) -> None:
    sent = _post(
        nurse_api,
        forearm_photo,
        django_capture_on_commit_callbacks,
        destination="radiology",
    )
    answer = _api_client_for(outsider).get(f"/api/pacs-sends/{sent.json()['id']}/")
    assert answer.status_code == 404
    assert answer.json() == {"detail": "No such PACS send."}


def test_an_unknown_destination_is_a_400_on_the_field_and_writes_nothing(
    nurse_api: Any,
    forearm_photo: ClinicalImage,
    destination: PacsDestination,
    django_capture_on_commit_callbacks: Any,
) -> None:
    events_before = AuditEvent.objects.count()
    answer = _post(
        nurse_api, forearm_photo, django_capture_on_commit_callbacks, destination="x"
    )
    assert answer.status_code == 400
    assert "destination" in answer.json()
    assert not PacsSend.objects.exists()
    assert AuditEvent.objects.count() == events_before


def test_a_failed_send_says_why(
    nurse_api: Any,
    forearm_photo: ClinicalImage,
    destination: PacsDestination,
    django_capture_on_commit_callbacks: Any,
) -> None:
    destination.called_ae = "WRONG_AE"
    destination.save()
    sent = _post(
        nurse_api,
        forearm_photo,
        django_capture_on_commit_callbacks,
        destination="radiology",
    )
    body = nurse_api.get(f"/api/pacs-sends/{sent.json()['id']}/").json()
    assert body["status"] == "failed"
    assert ASSOCIATION_REFUSED.search(body["last_error"])
    assert body["sop_instance_uid"] == ""


def test_the_image_page_shows_where_the_photo_was_sent(
    nurse: User,
    forearm_photo: ClinicalImage,
    destination: PacsDestination,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = Client()
    client.force_login(nurse)
    url = reverse("imaging:image-detail", args=[forearm_photo.public_id])
    assert "Sent to PACS" not in client.get(url).content.decode()
    destination.called_ae = "WRONG_AE"
    destination.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_image_to_pacs(
            actor=nurse, image=forearm_photo, destination=destination
        )
    html = client.get(url).content.decode()
    assert "Sent to PACS" in html
    assert "<td>radiology</td><td>Failed</td>" in html
    assert ASSOCIATION_REFUSED.search(html)


def test_a_sensitive_image_needs_a_reason_which_is_recorded(
    nurse: User,
    nurse_api: Any,
    destination: PacsDestination,
    pacs: Orthanc,
    django_capture_on_commit_callbacks: Any,
) -> None:
    image = capture(
        actor=nurse,
        patient=destination.facility.patients.get(),
        data=baseline_jpeg(),
        sensitivity="intimate",
    )
    events_before = AuditEvent.objects.count()
    refused = _post(
        nurse_api, image, django_capture_on_commit_callbacks, destination="radiology"
    )
    assert refused.status_code == 403
    assert "reason" in refused.json()
    assert not PacsSend.objects.exists()
    assert AuditEvent.objects.count() == events_before
    sent = _post(
        nurse_api,
        image,
        django_capture_on_commit_callbacks,
        destination="radiology",
        reason="Plastics review at the MDT",
    )
    assert sent.status_code == 202
    detail = nurse_api.get(f"/api/pacs-sends/{sent.json()['id']}/").json()
    assert detail["status"] == "sent"
    requested = AuditEvent.objects.get(action="pacs_send_requested")
    assert requested.reason == "Plastics review at the MDT"
    assert len(pacs.instances()) == 1
