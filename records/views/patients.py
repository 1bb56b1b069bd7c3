"""Finding a patient (their gallery is imaging's page)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from records.forms import PatientSearchForm
from records.permissions import may_break_glass
from records.search import record_patient_search, search_patients


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
