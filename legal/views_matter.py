"""Opening a matter: find patients (audited), pick their images (audited), open it.

The page is one form carrying the draft scope in its own fields, so it works without
JavaScript: Search, Choose images and Update scope redraw it; only Open writes.
"""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.acting import acting_user
from accounts.permissions import Perm
from common.errors import DomainError
from imaging.models import Derivative
from imaging.views_browse import derivative_response
from legal import services
from legal.forms import IdsField, MatterForm
from legal.picking import (
    Draft,
    Picker,
    draft_of,
    pickable_image,
    pickable_patient,
    picker_page,
    show_picker,
    was_shown,
)
from records.forms import PatientSearchForm
from records.search import RESULT_LIMIT, record_patient_search, search_patients

UNREACHABLE = "One of the chosen patients or images is not one you may reach."
MATTER_FIELDS = ("reference", "kind", "description", "court_or_body")
DATE_FIELDS = ("scope_from", "scope_to")


def _draft(request: HttpRequest) -> Draft:
    ids = IdsField().to_python
    return draft_of(
        acting_user(request),
        ids(request.POST.getlist("patients")),
        ids(request.POST.getlist("images")),
    )


def _page(
    request: HttpRequest,
    form: MatterForm,
    draft: Draft,
    status: int = 200,
    **extra: object,
) -> HttpResponse:
    search = extra.pop("search", None)
    if search is None:
        search = PatientSearchForm(
            initial={k: request.POST.get(k, "") for k in ("q", "date_of_birth")}
        )
    context = {"form": form, "draft": draft, "search": search, **extra}
    context["result_limit"] = RESULT_LIMIT
    return render(request, "legal/legal_matter_form.html", context, status=status)


@login_required
@permission_required(Perm.EXPORT_IMAGES, raise_exception=True)
def matter_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, MatterForm(), Draft())
    if "gallery" in request.POST or request.POST.get("action") in ("search", "update"):
        return _redraw(request)
    return _open(request)


def _open(request: HttpRequest) -> HttpResponse:
    form = MatterForm(request.POST)
    if not form.is_valid():
        return _page(request, form, _draft(request), status=400)
    try:
        matter = services.open_matter(
            actor=acting_user(request), request=request, **form.cleaned_data
        )
    except Http404:
        # Any id the officer may not reach answers as the API does: 404, the same for
        # a patient elsewhere and for one that does not exist.
        form.add_error(None, UNREACHABLE)
        return _page(request, form, _draft(request), status=404)
    except (DomainError, ValidationError) as exc:
        message = exc.message if isinstance(exc, DomainError) else exc.messages
        form.add_error(None, message)
        return _page(request, form, _draft(request), status=400)
    messages.success(
        request, f"Matter {matter.reference} opened; its hold is in place."
    )
    return redirect("legal:matter-detail", public_id=matter.public_id)


def _redraw(request: HttpRequest) -> HttpResponse:
    """Redraw the draft (nothing is validated as missing yet) with a search or picker."""
    fields = (*MATTER_FIELDS, *DATE_FIELDS)
    form = MatterForm(initial={k: request.POST.get(k, "") for k in fields})
    draft = _draft(request)
    if draft.unreachable:
        return _page(request, form, draft, status=404, scope_error=UNREACHABLE)
    if "gallery" in request.POST:
        return _pick(request, form, draft)
    if request.POST.get("action") == "search":
        return _search(request, form, draft)
    return _page(request, form, draft)


def _search(request: HttpRequest, form: MatterForm, draft: Draft) -> HttpResponse:
    search = PatientSearchForm(request.POST)
    if not search.is_valid():
        return _page(request, form, draft, status=400, search=search)
    text, born = search.cleaned_data["q"], search.cleaned_data["date_of_birth"]
    results = list(search_patients(acting_user(request), text=text, date_of_birth=born))
    record_patient_search(
        actor=acting_user(request),
        criteria={"q": text, "date_of_birth": born.isoformat() if born else ""},
        found=results,
        request=request,
    )
    return _page(request, form, draft, search=search, results=results)


def _pick(request: HttpRequest, form: MatterForm, draft: Draft) -> HttpResponse:
    patient_id, _, after = str(request.POST["gallery"]).partition("/")
    try:
        patient = pickable_patient(acting_user(request), patient_id)
    except Http404:
        return _page(request, form, draft, status=404, scope_error=UNREACHABLE)
    picker: Picker = picker_page(patient, after)
    show_picker(actor=acting_user(request), picker=picker, request=request)
    return _page(request, form, draft, picker=picker)


@login_required
@permission_required(Perm.EXPORT_IMAGES, raise_exception=True)
def pick_thumbnail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """A thumbnail shown on an audited picker (and only such a one), as imaging's."""
    if not was_shown(request, public_id):
        raise Http404("No such image.")
    image = pickable_image(acting_user(request), public_id)
    return derivative_response(request, image, Derivative.Kind.THUMBNAIL)
