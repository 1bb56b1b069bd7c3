"""The FHIR endpoints: thin views over the access rule, the audit services and resources.

Every read writes the same audit event as its /api/ counterpart, through the same
services (imaging.services.viewing and access, records.search), after every check that
could refuse it: a refused request leaves no event that claims a view.
"""

from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import reverse

from accounts.acting import acting_user
from imaging.models import ClinicalImage
from imaging.safety.sensitive import is_revealed, reveal_sensitive
from imaging.services.access import download_original, original_filename
from imaging.services.viewing import view_gallery, view_image
from interop.fhir import search
from interop.fhir.capability import capability_statement
from interop.fhir.errors import InvalidSearch, NotAcceptable
from interop.fhir.http import (
    JSON_TYPES,
    fhir_endpoint,
    fhir_json,
    media_types,
    wants_json,
)
from interop.fhir.resources import (
    binary_resource,
    media_resource,
    patient_resource,
    searchset,
)
from interop.fhir.selectors import media_for, media_page, patients_by_identifier
from records.search import record_patient_search
from records.selectors import patient_for, seen_through_break_glass
from vault.responses import protected_stream

MAX_PATIENTS = 50


def base_url(request: HttpRequest) -> str:
    """The service base, e.g. https://custodian.example/fhir/."""
    metadata_url = request.build_absolute_uri(reverse("fhir:metadata"))
    return metadata_url.removesuffix("metadata")


@fhir_endpoint(public=True)
def metadata(request: HttpRequest) -> HttpResponse:
    """The CapabilityStatement (no token needed: it says nothing about patients)."""
    wants_json(request)
    return fhir_json(capability_statement(base_url(request)))


@fhir_endpoint()
def patient_read(request: HttpRequest, patient_id: str) -> HttpResponse:
    wants_json(request)
    patient = patient_for(request.user, search.public_id(patient_id))
    record_patient_search(
        actor=acting_user(request),
        criteria={"fhir": f"Patient/{patient.public_id}"},
        found=[patient],
        request=request,
    )
    return fhir_json(patient_resource(patient))


@fhir_endpoint()
def patient_search(request: HttpRequest) -> HttpResponse:
    wants_json(request)
    search.only(request.GET, search.PATIENT_SEARCH)
    identifier = search.single(request.GET, "identifier")
    if not identifier:
        raise InvalidSearch("Patient search needs identifier=[system|]value.")
    matches = patients_by_identifier(request.user, identifier)
    found = list(matches[:MAX_PATIENTS])
    record_patient_search(
        actor=acting_user(request),
        criteria={"fhir": f"Patient?identifier={identifier}"},
        found=found,
        request=request,
    )
    base = base_url(request)
    entries = [(f"{base}Patient/{p.public_id}", patient_resource(p)) for p in found]
    return fhir_json(
        searchset(
            entries,
            total=len(found) if len(found) < MAX_PATIENTS else matches.count(),
            self_url=request.build_absolute_uri(),
            next_url=None,
        )
    )


@fhir_endpoint()
def media_read(request: HttpRequest, media_id: str) -> HttpResponse:
    wants_json(request)
    image = media_for(request.user, str(search.public_id(media_id)))
    view_image(
        actor=acting_user(request),
        image=image,
        request=request,
        break_glass=seen_through_break_glass(request.user, image.patient),
        what="metadata",
    )
    return fhir_json(media_resource(image, base_url(request)))


@fhir_endpoint()
def media_search(request: HttpRequest) -> HttpResponse:
    wants_json(request)
    params = request.GET
    search.only(params, search.MEDIA_SEARCH)
    patient = patient_for(request.user, search.media_patient(params))
    page = media_page(
        request.user,
        patient,
        created=search.created(params, ZoneInfo(patient.facility.time_zone)),
        count=search.count(params),
        cursor=search.single(params, "_cursor"),
    )
    view_gallery(
        actor=acting_user(request),
        patient=patient,
        images=page.images,
        request=request,
        filters={"fhir": f"Media?{params.urlencode()}"},
        break_glass=seen_through_break_glass(request.user, patient),
    )
    base = base_url(request)
    entries = [
        (f"{base}Media/{image.public_id}", media_resource(image, base))
        for image in page.images
    ]
    next_url = None
    if page.next_cursor:
        query = params.copy()
        query["_cursor"] = page.next_cursor
        next_url = f"{base}Media?{query.urlencode()}"
    return fhir_json(
        searchset(
            entries,
            total=page.total,
            self_url=request.build_absolute_uri(),
            next_url=next_url,
        )
    )


def _binary_as_json(request: HttpRequest, image: ClinicalImage) -> bool:
    """JSON (a FHIR Binary) or the raw bytes, by _format or the first usable Accept."""
    if request.GET.get("_format"):
        return wants_json(request)
    accept = media_types(request.headers.get("Accept", ""))
    raw = {image.content_type, "image/*", "*/*"}
    for kind in accept:
        if kind in JSON_TYPES:
            return True
        if kind in raw:
            return False
    if accept:
        raise NotAcceptable(f"This Binary is {image.content_type} or FHIR JSON.")
    return False


def _reveal_if_asked(request: HttpRequest, image: ClinicalImage) -> None:
    """A sensitive image's bytes need a reason (?reason=), audited as a reveal."""
    if not image.is_sensitive or is_revealed(request, image):
        return
    reason = request.GET.get("reason", "").strip()
    if not reason:
        raise PermissionDenied(
            "This image is sensitive: say why you need it (?reason=...); "
            "the reason is recorded."
        )
    reveal_sensitive(
        actor=acting_user(request), image=image, reason=reason, request=request
    )


@fhir_endpoint()
def binary_read(request: HttpRequest, binary_id: str) -> HttpResponseBase:
    search.only(request.GET, search.COMMON | {"reason"})
    image = media_for(request.user, str(search.public_id(binary_id)))
    as_json = _binary_as_json(request, image)
    _reveal_if_asked(request, image)
    chunks = download_original(actor=acting_user(request), image=image, request=request)
    if as_json:
        return fhir_json(binary_resource(image, b"".join(chunks)))
    return protected_stream(
        chunks,
        content_type=image.content_type,
        filename=original_filename(image),
        size=image.size_bytes,
    )
