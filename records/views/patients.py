"""Finding a patient and browsing their gallery."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from imaging.gallery import (
    GalleryFilters,
    GalleryPage,
    body_sites_of,
    coded_sites_of,
    gallery_page,
)
from imaging.services.viewing import view_gallery
from records.forms import GalleryFilterForm, PatientSearchForm
from records.permissions import may_break_glass
from records.search import record_patient_search, search_patients
from records.selectors import live_break_glass, patient_for, seen_through_break_glass


@login_required
def patient_search(request: HttpRequest) -> HttpResponse:
    """Search the patients the user may see; every search with criteria is audited."""
    form = PatientSearchForm(request.GET or None)
    results = None
    if form.is_valid():
        text, born = form.cleaned_data["q"], form.cleaned_data["date_of_birth"]
        results = list(search_patients(request.user, text=text, date_of_birth=born))
        criteria = {"q": text, "date_of_birth": born.isoformat() if born else ""}
        record_patient_search(
            actor=request.user,  # type: ignore[arg-type]
            criteria=criteria,
            found=results,
            request=request,
        )
    context = {
        "form": form,
        "results": results,
        "may_break_glass": may_break_glass(request.user),
    }
    return render(request, "records/patient_search.html", context)


@login_required
def patient_gallery(request: HttpRequest, public_id: str) -> HttpResponse:
    """A patient's images by date, filtered and keyset-paginated; one audit event."""
    patient = patient_for(request.user, public_id)
    form = GalleryFilterForm(
        request.GET,
        patient=patient,
        body_sites=body_sites_of(request.user, patient),
        coded_sites=coded_sites_of(request.user, patient),
    )
    through_glass = seen_through_break_glass(request.user, patient)
    if form.is_valid():
        page = gallery_page(
            request.user,
            patient,
            GalleryFilters(**form.cleaned_data),
            request.GET.get("after", ""),
        )
        view_gallery(
            actor=request.user,  # type: ignore[arg-type]
            patient=patient,
            images=page.images,
            request=request,
            filters={k: str(v) for k, v in form.data.items() if v and k != "after"},
            break_glass=through_glass,
        )
    else:
        # A filter that cannot be applied shows nothing rather than everything.
        page = GalleryPage(images=[])
    query = request.GET.copy()
    query.pop("after", None)
    context = {
        "patient": patient,
        "form": form,
        "page": page,
        "filter_query": query.urlencode(),
        "break_glass": live_break_glass(request.user, patient)
        if through_glass
        else None,
    }
    return render(
        request,
        "records/patient_gallery.html",
        context,
        status=200 if form.is_valid() else 400,
    )
