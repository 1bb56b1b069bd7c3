"""Finding a patient: only among the patients the caller may see."""

from django.db.models import Q, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.pagination import CursorPagination

from imaging.serializers import PatientSerializer
from records.models import Patient
from records.selectors import patients_visible_to

SEARCH_LIMIT = 100


class PatientPagination(CursorPagination):
    ordering = ("family_name", "given_names", "id")
    page_size = 25


def search_patients(patients: QuerySet[Patient], term: str) -> QuerySet[Patient]:
    """An exact MRN (a scanned wristband) or the start of any name."""
    term = term.strip()[:SEARCH_LIMIT]
    if not term:
        return patients
    rule = Q(mrn__iexact=term)
    for word in term.split():
        rule |= Q(family_name__istartswith=word) | Q(given_names__istartswith=word)
    if len(term) >= 3:
        rule |= Q(mrn__startswith=term)
    return patients.filter(rule)


@extend_schema(
    summary="Find patients the caller may see",
    parameters=[
        OpenApiParameter(
            "search",
            str,
            description="An MRN (exact, or its first digits) or the start of a name.",
        )
    ],
)
class PatientList(ListAPIView[Patient]):
    serializer_class = PatientSerializer
    pagination_class = PatientPagination

    def get_queryset(self) -> QuerySet[Patient]:
        patients = patients_visible_to(self.request.user)
        return search_patients(patients, self.request.query_params.get("search", ""))
