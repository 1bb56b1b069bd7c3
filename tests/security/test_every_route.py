"""Attacks on every route the URL configuration has, including routes added later.

The walker fills each route's UUID with someone else's patient or image, posts without a
CSRF token, and fetches every byte-serving route; the probes are proved on a URL
configuration with deliberately unsafe views, so a pass on the real one means something.
"""

from uuid import uuid4

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import get_resolver

from audit.models import AuditEvent
from imaging.models import ClinicalImage
from records.models import Patient
from tests.security.probes import idor_problems, stored_bytes_problems
from tests.security.routes import all_routes, object_routes, plain_routes

pytestmark = pytest.mark.django_db

# The token endpoint takes credentials, not a session: there is no session to ride.
CSRF_FREE = {"auth:token"}


def _client(user: User, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf, raise_request_exception=False)
    client.force_login(user)
    return client


def test_the_walker_sees_the_routes_of_every_feature() -> None:
    names = {route.name for route in all_routes()}
    assert {"login", "home", "auth:token", "auth:reauth", "api-schema"} <= names
    assert all(not route.is_admin for route in object_routes())


@pytest.mark.urls("tests.security.leaky_urls")
def test_the_probes_catch_an_unscoped_unprotected_image_view(
    outsider: User, nurse: User, wound_photo: ClinicalImage
) -> None:
    routes = object_routes("tests.security.leaky_urls")
    assert idor_problems(_client(outsider), routes, [wound_photo.public_id])
    problems = stored_bytes_problems(_client(nurse), routes, wound_photo.public_id)
    assert any("Content-Disposition" in problem for problem in problems)
    assert any("cacheable" in problem for problem in problems)


def test_someone_elses_patient_or_image_is_not_found_on_every_object_route(
    outsider: User, patient: Patient, wound_photo: ClinicalImage
) -> None:
    before = AuditEvent.objects.count()
    foreign = [patient.public_id, wound_photo.public_id]
    assert idor_problems(_client(outsider), object_routes(), foreign) == []
    # Nothing about the refused patient reached the trail as if it had been seen.
    assert (
        not AuditEvent.objects.filter(
            pk__gt=before, patient_public_id=patient.public_id, actor=outsider
        )
        .exclude(action__in=["break_glass"])
        .exists()
    )


def test_every_route_serving_stored_bytes_is_hardened(
    nurse: User, wound_photo: ClinicalImage
) -> None:
    routes = object_routes()
    assert stored_bytes_problems(_client(nurse), routes, wound_photo.public_id) == []


def test_no_route_serves_the_media_folder_directly(wound_photo: ClinicalImage) -> None:
    views = {getattr(p, "callback", None) for p in get_resolver().url_patterns}
    from django.views.static import serve

    assert serve not in views
    stored = wound_photo.storage_name
    assert Client().get(f"/media/{stored}").status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_signed_in_request_without_a_csrf_token_is_refused_everywhere(
    method: str, nurse: User, wound_photo: ClinicalImage
) -> None:
    client = _client(nurse, csrf=True)
    before = AuditEvent.objects.count()
    accepted = []
    for route in all_routes():
        if route.name in CSRF_FREE:
            continue
        url = route.url(uuid=wound_photo.public_id)
        status = getattr(client, method)(url).status_code
        if status not in (403, 404, 405):
            accepted.append(f"{method.upper()} {url} answered {status}")
    assert accepted == []
    assert AuditEvent.objects.count() == before


def test_the_csrf_check_is_not_just_a_missing_route(nurse: User) -> None:
    client = _client(nurse, csrf=True)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    assert client.get("/").status_code == 200


INJECTIONS = [
    "' OR '1'='1' --",
    '"; DROP TABLE records_patient; --',
    "<script>alert(1)</script>",
    "%' UNION SELECT username, password FROM auth_user --",
]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_in_any_search_field_is_inert(
    payload: str, outsider: User, patient: Patient, other_patient: Patient
) -> None:
    client = _client(outsider)
    for route in plain_routes():
        for field in ("search", "q", "mrn", "name"):
            response = client.get(route.url(), {field: payload})
            assert response.status_code < 500, route.route
            body = response.content.decode(errors="replace")
            # The patient on another ward never appears, and markup never comes back live.
            assert patient.family_name.lower() not in body.lower(), route.route
            assert "<script>alert(1)</script>" not in body, route.route
    assert Patient.objects.filter(pk=patient.pk).exists()


def test_unknown_ids_answer_not_found_rather_than_an_error(nurse: User) -> None:
    client = _client(nurse)
    for route in object_routes():
        assert client.get(route.url(uuid4())).status_code in (403, 404, 405), (
            route.route
        )
